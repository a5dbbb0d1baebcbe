// Package assets embeds DeskAuth's icon and UI translations, so every build
// carries them. It has no GUI dependency: app wraps the bytes for Fyne.
package assets

import "embed"

// Icon is the application icon, a 512×512 PNG.
//
//go:embed icon.png
var Icon []byte

// Translations holds translations/<lang>.json: each maps an English UI string
// to its translation (Fyne's lang format). en.json and ja.json are complete.
//
//go:embed translations/*.json
var Translations embed.FS
