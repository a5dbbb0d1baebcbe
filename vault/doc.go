// Package vault holds DeskAuth's accounts: the account model, otpauth:// parsing
// and formatting, one-time-code generation, and (in later files) the encrypted
// vault file and its key slots.
//
// Time is always a parameter. Account.Code(at) computes the code for the instant
// at; nothing in this package calls time.Now on its own behalf, so the UI and the
// tests can drive the clock.
//
// vault never imports a GUI toolkit: the app package shows what vault computes.
package vault
