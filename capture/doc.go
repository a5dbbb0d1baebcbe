// Package capture turns pictures of screens into QR payloads.
//
// The platform-free core is Decode (DecodeContext with a context): give
// it any image.Image (a screen grab, an image file opened with LoadImage or
// DecodeFile, a clipboard picture) and it returns every distinct QR code in
// it, in reading order, each with the rectangle it was found in. When
// there is none it returns ErrNoQR, which callers wrap with what they
// looked at.
//
// Decode is tuned for screenshots. It converts the common pixel layouts to
// luminance straight from their buffers (RGBA and NRGBA screens, YCbCr
// JPEGs, Gray, palettes, 16-bit PNGs) into pooled buffers, binarizes with
// its own implementation of ZXing's hybrid (local block) threshold, and
// leaves detection and error correction to gozxing. The passes run from the
// cheapest and stop at the first that finds anything (after a closer look
// at its near misses, step 3):
//
//  1. a large image at half resolution, then its negative (white-on-dark
//     themes; gozxing ignores ALSO_INVERTED), finding codes one at a time
//     and blanking each so the next can be found, then weighing every trio
//     of finder patterns for a second code;
//  2. full resolution, stepping over rows, then every third row
//     (TRY_HARDER) and the multi-code finder; then the negative;
//  3. regions where a code was detected but did not decode, cut out of the
//     full-resolution image and, if need be, enlarged (small or smoothed
//     modules from 1.25x-1.75x desktop scaling);
//  4. for images up to 2 megapixels, the plane turned a quarter;
//  5. the photo passes (decode_photo.go), for pictures of printed codes and
//     recompressed screenshots, skipped on a page tiled with finder
//     look-alikes: other thresholds (Otsu's global one, a local mean), the
//     plane smoothed, sharpened, averaged down or enlarged, and all of it
//     again on the negative (a light code on a dark screen or sheet). A
//     code the detector finds but that does not decode is sampled again:
//     from its three finders alone, on a grid that follows its own module
//     edges and alignment patterns where the paper bends, through the
//     perspective its finders' outlines fix when it was shot at a slant
//     (decode_geom.go), and with its modules read from the grey plane
//     with levels fitted to its known modules and the blur between
//     modules undone (decode_grey.go). Trios the detector gave up on are
//     sized by counting their timing patterns (decode_mesh.go).
//
// Work is bounded whatever the picture (DecodeContext): images over
// MaxImagePixels are refused, a plane crowded with finder-pattern
// look-alikes is searched only for trios joined by a timing pattern
// (finders.go), a budget caps the candidate codes sampled, and the
// context is checked between passes and in the long loops; a cancel
// returns at once, and the image is not read after DecodeContext returns.
//
// What a payload means (an otpauth:// account, an export, something else)
// is the vault package's business: see vault.ReadPayloads.
//
// The package never imports a GUI toolkit.
package capture
