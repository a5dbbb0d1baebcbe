// Package testenv is the test infrastructure DeskAuth's packages share, kept
// in one place: Require (use a real tool, or skip; fail instead under
// DESKAUTH_REQUIRE_TOOLS=1), an in-process CLI runner and the testscript
// runner with an exact exit-status command, and QR-code images for tests
// (QREncode, QRModules, PaintQR).
//
// Only test files import it.
package testenv
