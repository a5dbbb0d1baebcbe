// Package capture turns pictures of screens into QR payloads.
//
// The platform-free core is Decode: give it any image.Image (a screen grab,
// an image file opened with LoadImage or DecodeFile, a clipboard picture) and
// it returns every distinct QR code in it, in reading order, each with the
// rectangle it was found in. When there is none it returns ErrNoQR, which
// callers wrap with what they looked at.
//
// Decode is tuned for screenshots: it converts the common image types to
// luminance straight from their pixel buffers and takes one fast pass first.
// Only when that finds nothing does it try the slower passes that rescue
// small codes, white-on-dark themes, HiDPI-smoothed modules (1.25x-1.75x
// scaling), JPEG artefacts and several codes on one screen.
//
// Classify says what a payload is for: an otpauth:// account, an
// otpauth-migration:// export, Microsoft's phonefactor:// (which DeskAuth
// cannot use) or anything else.
//
// The package never imports a GUI toolkit.
package capture
