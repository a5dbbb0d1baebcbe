// Package winclip puts text on the Windows clipboard marked as private: the
// formats Windows reads to keep an entry out of clipboard history (Win+V),
// out of cloud clipboard sync, and away from clipboard monitors. DeskAuth
// uses it for codes. Other systems have no such marks, and callers use their
// toolkit's clipboard there.
package winclip
