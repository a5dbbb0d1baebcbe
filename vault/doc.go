// Package vault holds DeskAuth's accounts: the account model, otpauth:// and
// otpauth-migration:// parsing, one-time-code generation, and the encrypted
// vault file (format in FORMAT.md) with its password and OS key slots.
//
// Time is always a parameter. Account.Code(at) computes the code for the instant
// at; nothing in this package calls time.Now on its own behalf, so the UI and the
// tests can drive the clock (and vault/timesync can correct it).
//
// Open or Create a vault, change Accounts and Settings, then Save: a save never
// loses the previous content (it is written beside the file, checked, and
// renamed over it, and the old file is kept as a .bak). Close wipes the keys
// and the secrets. A password slot's Argon2id cost is per vault
// (Protection.Argon2); costs a crafted header asks for are bounded before any
// key derivation runs.
//
// vault never imports a GUI toolkit: the app package shows what vault computes.
package vault
