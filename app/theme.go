package app

import (
	"hash/fnv"
	"image/color"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Sizes of the code list, in Fyne units.
const (
	codeTextSize    = 26 // the code: large enough to read across a desk
	nextTextSize    = 12 // the next code, shown in a period's last seconds
	accountTextSize = 12 // the account under the bold issuer
	avatarSize      = 36
	countdownSize   = 22 // the ring's diameter
	countdownWidth  = 3  // the ring's stroke
	soonSeconds     = 5  // the last seconds, when the next code shows
)

// amber marks a code about to change. It reads on light and dark themes.
var amber = color.NRGBA{R: 0xF5, G: 0x9E, B: 0x0B, A: 0xFF}

// avatarPalette is a set of colours that keep white text readable.
var avatarPalette = []color.NRGBA{
	{R: 0x1E, G: 0x88, B: 0xE5, A: 0xFF}, // blue
	{R: 0x43, G: 0xA0, B: 0x47, A: 0xFF}, // green
	{R: 0xE5, G: 0x39, B: 0x35, A: 0xFF}, // red
	{R: 0x8E, G: 0x24, B: 0xAA, A: 0xFF}, // purple
	{R: 0x00, G: 0x89, B: 0x7B, A: 0xFF}, // teal
	{R: 0xD8, G: 0x1B, B: 0x60, A: 0xFF}, // pink
	{R: 0x3F, G: 0x51, B: 0xB5, A: 0xFF}, // indigo
	{R: 0x6D, G: 0x4C, B: 0x41, A: 0xFF}, // brown
	{R: 0xEF, G: 0x6C, B: 0x00, A: 0xFF}, // orange
	{R: 0x54, G: 0x6E, B: 0x7A, A: 0xFF}, // blue grey
}

// avatarColour is the same colour for the same issuer on every run, so an
// admin learns to spot an account by it.
func avatarColour(issuer string) color.Color {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(strings.TrimSpace(issuer))))
	return avatarPalette[h.Sum32()%uint32(len(avatarPalette))]
}

// avatarLetter is the issuer's first letter or character, upper-cased; "?"
// for an account with neither issuer nor name.
func avatarLetter(label string) string {
	for _, r := range strings.TrimSpace(label) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return string(unicode.ToUpper(r))
		}
	}
	return "?"
}

// scanScreenSVG is a monitor with a QR finder frame on it: "read the QR code
// on this screen", distinct from search's magnifier.
const scanScreenSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">
<path fill="#000" d="M3 3h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1h-7v2h3v2H7v-2h3v-2H3a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm1 2v10h16V5z"/>
<path fill="#000" d="M6 6.5h3v1.2H7.2v1.8H6zm12 0v3h-1.2V7.7H15V6.5zM6 13.5v-3h1.2v1.8H9v1.2zm12 0h-3v-1.2h1.8v-1.8H18z"/>
<rect fill="#000" x="10" y="9" width="4" height="2"/>
</svg>`

// scanScreenIcon follows the theme's foreground colour like Fyne's own icons.
var scanScreenIcon = theme.NewThemedResource(fyne.NewStaticResource("scan-screen.svg", []byte(scanScreenSVG)))
