package app

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"os"
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskauth/deskauth/assets"
	"github.com/deskauth/deskauth/internal/autostart"
	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/timesync"
)

// settingsScreen holds every setting the window has. Window preferences
// live in prefs; the protection and the time source live in the vault, and
// change through its use-case methods (Protect, UpdateSettings).
type settingsScreen struct {
	root fyne.CanvasObject

	protection *widget.Label // what protects the vault now
	protect    *widget.RadioGroup
	password   *widget.Entry
	confirm    *widget.Entry
	apply      *widget.Button

	autoLock       *widget.Select
	clipboardClear *widget.Select
	language       *widget.Select
	theme          *widget.Select
	startMinimised *widget.Check
	startAtLogin   *widget.Check // nil where start at login is not offered
	hideCodes      *widget.Check

	timeSource *widget.Entry
	checkTime  *widget.Button
	saveTime   *widget.Button
	timeStatus *widget.Label

	status *widget.Label
}

// autostarter switches start at login (internal/autostart); tests fake it.
type autostarter struct {
	enable  func() error
	disable func() error
	enabled func() (bool, error)
}

func realAutostart() *autostarter {
	return &autostarter{
		enable: func() error {
			exe, err := os.Executable()
			if err != nil {
				return err
			}
			return autostart.Enable(exe)
		},
		disable: autostart.Disable,
		enabled: autostart.Enabled,
	}
}

var (
	autoLockChoices  = []int{0, 1, 2, 5, 10, 15, 30, 60}     // minutes
	clipboardChoices = []int{0, 10, 15, 20, 30, 45, 60, 120} // seconds
	languageChoices  = []string{"", "ja", "en"}              // prefs values, as listed
	themeChoices     = []string{"", "light", "dark"}         // prefs values, as listed
)

// showSettings opens the settings screen. The codes screen's toolbar calls
// it.
func (u *ui) showSettings() {
	if u.vault == nil {
		return
	}
	if u.busy() {
		// The screen reads the vault's protection and settings: it opens
		// once the save that holds the vault is done.
		u.say(lang.L("Saving…"))
		u.afterJob(u.showSettings)
		return
	}
	s := &settingsScreen{}
	u.codes, u.add, u.imp, u.qr, u.settings = nil, nil, nil, nil, s
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord

	// Protection.
	s.protection = widget.NewLabel(u.protectionText())
	s.protection.Wrapping = fyne.TextWrapWord
	opts := u.protectionOptions()
	s.password = widget.NewPasswordEntry()
	s.password.SetPlaceHolder(lang.L("New password"))
	s.confirm = widget.NewPasswordEntry()
	s.confirm.SetPlaceHolder(lang.L("Password again"))
	s.protect = widget.NewRadioGroup(opts, func(choice string) {
		for _, e := range []*widget.Entry{s.password, s.confirm} {
			if choice == opts[protectOS] {
				e.Disable()
			} else {
				e.Enable()
			}
		}
	})
	s.protect.Required = true
	pw, osSlot := u.vault.Protection()
	switch {
	case pw && osSlot:
		s.protect.SetSelected(opts[protectBoth])
	case pw:
		s.protect.SetSelected(opts[protectPassword])
	default:
		s.protect.SetSelected(opts[protectOS])
	}
	s.apply = widget.NewButton(lang.L("Change protection"), func() { u.applyProtection() })
	s.confirm.OnSubmitted = func(string) { u.applyProtection() }
	protectionHint := wrapped(lang.L("To change the password, choose a password (or both) and type the new one."), fyne.TextStyle{})

	// Window.
	// Each control shows the stored value first and only then listens, so
	// building the screen changes nothing.
	s.autoLock = widget.NewSelect(choiceLabels(autoLockChoices, minutesLabel), nil)
	s.autoLock.SetSelectedIndex(nearest(autoLockChoices, int(u.prefs.AutoLock()/time.Minute)))
	s.autoLock.OnChanged = func(label string) {
		u.prefs.SetAutoLockMinutes(autoLockChoices[indexOf(s.autoLock.Options, label)])
	}
	s.clipboardClear = widget.NewSelect(choiceLabels(clipboardChoices, secondsLabel), nil)
	s.clipboardClear.SetSelectedIndex(nearest(clipboardChoices, int(u.prefs.ClipboardClear()/time.Second)))
	s.clipboardClear.OnChanged = func(label string) {
		u.prefs.SetClipboardClearSeconds(clipboardChoices[indexOf(s.clipboardClear.Options, label)])
	}
	s.language = widget.NewSelect([]string{lang.L("System language"), "日本語", "English"}, nil)
	s.language.SetSelectedIndex(max(indexOfString(languageChoices, u.prefs.Language()), 0))
	s.language.OnChanged = func(label string) {
		l := languageChoices[indexOf(s.language.Options, label)]
		if l == u.prefs.Language() {
			return
		}
		u.prefs.SetLanguage(l)
		applyLanguage(l)
		u.win.SetTitle(lang.L("DeskAuth"))
		u.showSettings() // again, in the new language
		u.settings.status.SetText(lang.L("The language is changed. The tray menu follows after a restart."))
	}
	s.theme = widget.NewSelect([]string{lang.L("System theme"), lang.L("Light"), lang.L("Dark")}, nil)
	s.theme.SetSelectedIndex(max(indexOfString(themeChoices, u.prefs.Theme()), 0))
	s.theme.OnChanged = func(label string) {
		t := themeChoices[indexOf(s.theme.Options, label)]
		u.prefs.SetTheme(t)
		u.applyTheme(t)
	}
	// Start minimised keeps the window hidden only where the tray can
	// bring it back (showAtStart); without a tray the choice does nothing,
	// so it is not offered.
	if u.tray != nil {
		s.startMinimised = widget.NewCheck(lang.L("Start minimised"), nil)
		s.startMinimised.SetChecked(u.prefs.StartMinimised())
		s.startMinimised.OnChanged = func(on bool) { u.prefs.SetStartMinimised(on) }
	}
	s.hideCodes = widget.NewCheck(lang.L("Hide codes until clicked"), nil)
	s.hideCodes.SetChecked(u.prefs.HideCodes())
	s.hideCodes.OnChanged = func(on bool) { u.prefs.SetHideCodes(on) }
	screenShareHint := wrapped(lang.L("Hiding codes helps when you share your screen."), fyne.TextStyle{})
	window := container.NewVBox(
		widget.NewLabel(lang.L("Lock after")), s.autoLock,
		widget.NewLabel(lang.L("Clear copied codes after")), s.clipboardClear,
		widget.NewLabel(lang.L("Language")), s.language,
		widget.NewLabel(lang.L("Theme")), s.theme,
	)
	if s.startMinimised != nil {
		window.Add(s.startMinimised)
	}
	window.Add(s.hideCodes)
	window.Add(screenShareHint)
	if a := u.deps.autostart; a != nil {
		// Off until the system says whether it is on (a file or a
		// registry key, read off the UI thread).
		s.startAtLogin = widget.NewCheck(lang.L("Start DeskAuth when I log in"), nil)
		s.startAtLogin.Disable()
		window.Add(s.startAtLogin)
		u.offUI(func() func() {
			on, err := a.enabled()
			return func() {
				s.startAtLogin.SetChecked(on)
				s.startAtLogin.OnChanged = func(on bool) { u.setStartAtLogin(on) }
				if err == nil {
					s.startAtLogin.Enable()
				}
			}
		})
	}

	// Time.
	s.timeSource = widget.NewEntry()
	s.timeSource.SetPlaceHolder(lang.L("Empty: this computer's clock. Or ntp://host, https://host/"))
	s.timeSource.SetText(u.vault.Settings.TimeSource)
	s.timeStatus = widget.NewLabel("")
	s.timeStatus.Wrapping = fyne.TextWrapWord
	s.checkTime = widget.NewButton(lang.L("Check now"), func() { u.checkTimeSource() })
	s.saveTime = widget.NewButton(lang.L("Save"), func() { u.saveTimeSource() })
	timeHint := wrapped(lang.L("When this computer's clock is wrong, codes are computed with the time from this source. The clock itself is not changed."), fyne.TextStyle{})

	back := widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), func() { u.settings = nil; u.showCodes() })
	heading := func(text string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	body := container.NewVBox(
		heading(lang.L("Protection")), s.protection, s.protect, protectionHint, s.password, s.confirm, s.apply,
		widget.NewSeparator(),
		heading(lang.L("Window")), window,
		widget.NewSeparator(),
		heading(lang.L("Time source")), timeHint, s.timeSource,
		container.NewGridWithColumns(2, s.checkTime, s.saveTime), s.timeStatus,
		widget.NewSeparator(),
		heading(lang.L("Move accounts")),
		widget.NewButtonWithIcon(lang.L("Import…"), theme.DownloadIcon(), func() { u.importFile() }),
		widget.NewButtonWithIcon(lang.L("Export…"), theme.UploadIcon(), func() { u.showExport() }),
		widget.NewButtonWithIcon(lang.L("About DeskAuth"), theme.InfoIcon(), func() { u.showAbout() }),
	)
	s.root = container.NewBorder(
		container.NewBorder(nil, nil, back, nil,
			widget.NewLabelWithStyle(lang.L("Settings"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})),
		s.status, nil, nil, container.NewVScroll(container.NewPadded(body)))
	s.root = container.NewPadded(s.root)
	u.show(s.root)
}

// protectionText says what protects the vault now.
func (u *ui) protectionText() string {
	switch pw, osSlot := u.vault.Protection(); {
	case pw && osSlot:
		return lang.L("Now: this computer's key store or the password.")
	case pw:
		return lang.L("Now: a password.")
	}
	return lang.L("Now: this computer's key store only. Keep an encrypted backup (Export).")
}

// applyProtection switches the vault's protection (vault.Protect: a new key,
// saved at once; on failure nothing changes). The key derivation runs in the
// background.
func (u *ui) applyProtection() {
	s := u.settings
	choice := u.protectionChoice(s.protect.Selected)
	p := vault.Protection{Argon2: u.deps.argon2}
	if choice != protectOS {
		switch {
		case s.password.Text == "":
			s.status.SetText(lang.L("Type a password."))
			return
		case s.password.Text != s.confirm.Text:
			s.status.SetText(lang.L("The two passwords differ."))
			return
		}
		p.Password = []byte(s.password.Text)
	}
	// While it saves, copies and edits are refused and lock waits (withVault).
	err := u.withVault(func(v *vault.Vault) func() {
		var err error
		if choice != protectPassword {
			p.Store, err = u.deps.store()
		}
		if err == nil {
			err = v.Protect(p)
		}
		clear(p.Password)
		debug.FreeOSMemory()
		return func() {
			if u.settings != s {
				// The admin left the screen meanwhile: the outcome is
				// said wherever they are, never dropped.
				if err != nil {
					u.say(describe(err))
					return
				}
				u.say(lang.L("The protection is changed."))
				if choice == protectOS {
					u.offerRecoveryBackup()
				}
				return
			}
			s.apply.Enable()
			if err != nil {
				s.status.SetText(describe(err))
				return
			}
			s.password.SetText("")
			s.confirm.SetText("")
			s.protection.SetText(u.protectionText())
			s.status.SetText(lang.L("The protection is changed."))
			if choice == protectOS {
				u.offerRecoveryBackup()
			}
		}
	})
	if err != nil {
		clear(p.Password)
		s.status.SetText(describe(err))
		return
	}
	if u.busy() {
		s.apply.Disable()
		s.status.SetText(lang.L("Saving…"))
	}
}

// setStartAtLogin switches start at login (a file or a registry key, see
// internal/autostart) off the UI thread. The check is off while the switch
// runs, and goes back to what the system then says if it failed.
func (u *ui) setStartAtLogin(on bool) {
	s := u.settings
	a := u.deps.autostart
	s.startAtLogin.Disable()
	u.offUI(func() func() {
		var err error
		if on {
			err = a.enable()
		} else {
			err = a.disable()
		}
		now := on
		if err != nil {
			now, _ = a.enabled()
		}
		return func() {
			if u.settings != s {
				if err != nil {
					u.say(describe(err)) // said wherever the admin is now
				}
				return
			}
			s.startAtLogin.Enable()
			if err == nil {
				s.status.SetText("")
				return
			}
			s.status.SetText(describe(err))
			s.startAtLogin.OnChanged = nil
			s.startAtLogin.SetChecked(now)
			s.startAtLogin.OnChanged = func(on bool) { u.setStartAtLogin(on) }
		}
	})
}

// checkTimeSource measures the offset against the typed source, in the
// background (a silent source costs up to timesync.MaxTimeout).
func (u *ui) checkTimeSource() {
	s := u.settings
	ck, err := timesync.ForSetting(s.timeSource.Text, timesync.Options{Clock: u.deps.now, HTTPClient: u.deps.httpClient})
	if err != nil {
		s.timeStatus.SetText(describe(err))
		return
	}
	s.checkTime.Disable()
	s.timeStatus.SetText(lang.L("Checking the time…"))
	u.offUI(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*timesync.MaxTimeout)
		defer cancel()
		st, err := ck.Check(ctx)
		return func() {
			if u.settings != s {
				return
			}
			s.checkTime.Enable()
			if err != nil {
				s.timeStatus.SetText(describe(err))
				return
			}
			s.timeStatus.SetText(describeTimeStatus(st))
		}
	})
}

// describeTimeStatus words a check's outcome by its State.
func describeTimeStatus(st timesync.Status) string {
	secs := fmt.Sprint(int(math.Round(math.Abs(st.Offset.Seconds()))))
	data := map[string]any{"Seconds": secs}
	switch st.State() {
	case timesync.StateNoSource:
		return lang.L("No time source: codes use this computer's clock.")
	case timesync.StateRight:
		return lang.L("This computer's clock is right (within {{.Seconds}} s).", data)
	case timesync.StateCorrected:
		if st.Offset > 0 {
			return lang.L("This computer's clock is {{.Seconds}} s behind; codes will be corrected.", data)
		}
		return lang.L("This computer's clock is {{.Seconds}} s ahead; codes will be corrected.", data)
	}
	return describe(st.Err)
}

// saveTimeSource stores the typed source in the vault and restarts the
// clock the codes use.
func (u *ui) saveTimeSource() {
	s := u.settings
	text := s.timeSource.Text
	if _, err := timesync.ParseSource(text); err != nil {
		s.timeStatus.SetText(describe(err))
		return
	}
	err := u.withVault(func(v *vault.Vault) func() {
		err := v.UpdateSettings(func(st *vault.Settings) { st.TimeSource = text })
		return func() {
			if err == nil {
				// The codes follow the saved source, whichever screen shows.
				if u.clock != nil {
					u.clock.stop()
				}
				u.clock = newClock(u.deps.now, text)
			}
			if u.settings != s {
				if err != nil {
					u.say(describe(err)) // said wherever the admin is now
				}
				return
			}
			s.saveTime.Enable()
			if err != nil {
				s.timeStatus.SetText(describe(err))
				return
			}
			s.timeStatus.SetText(lang.L("Saved. Codes use this time source from now on."))
		}
	})
	if err != nil {
		s.timeStatus.SetText(describe(err))
		return
	}
	if u.busy() {
		s.saveTime.Disable()
		s.timeStatus.SetText(lang.L("Saving…"))
	}
}

func choiceLabels(values []int, word func(int) string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = word(v)
	}
	return out
}

func minutesLabel(m int) string {
	if m == 0 {
		return lang.L("Never")
	}
	return lang.L("{{.Minutes}} min in the background", map[string]any{"Minutes": fmt.Sprint(m)})
}

func secondsLabel(s int) string {
	if s == 0 {
		return lang.L("Never")
	}
	return lang.L("{{.Seconds}} s", map[string]any{"Seconds": fmt.Sprint(s)})
}

func indexOf(options []string, label string) int {
	return max(indexOfString(options, label), 0)
}

func indexOfString(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// nearest is the index of the choice closest to v, so a value stored by an
// older version still shows.
func nearest(choices []int, v int) int {
	best := 0
	for i, c := range choices {
		if abs(c-v) < abs(choices[best]-v) {
			best = i
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// applyLanguage loads the translations, then, when the admin chose a
// language, makes it answer for the system's locale too. Fyne picks the
// translation from the OS locale (on Windows, from the OS, not from the
// environment), so the chosen file is registered under that locale and
// under English, the fallback.
func applyLanguage(l string) {
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		fyne.LogError("loading translations", err)
	}
	// Japanese again, with line-break hints (see breakHints).
	if ja, err := assets.Translations.ReadFile("translations/ja.json"); err == nil {
		if ja, err = withBreakHints(ja); err == nil {
			err = lang.AddTranslationsForLocale(ja, "ja")
		}
		if err != nil {
			fyne.LogError("loading translations", err)
		}
	}
	if l == "" {
		return
	}
	data, err := assets.Translations.ReadFile("translations/" + l + ".json")
	if err == nil && l == "ja" {
		data, err = withBreakHints(data)
	}
	if err != nil {
		fyne.LogError("loading translations", err)
		return
	}
	for _, loc := range []fyne.Locale{lang.SystemLocale(), "en", "ja"} {
		if err := lang.AddTranslationsForLocale(data, loc); err != nil {
			fyne.LogError("loading translations", err)
		}
	}
}

// variantTheme forces a light or dark look on top of the app's theme.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// applyTheme applies the theme preference: the system's, light or dark.
func (u *ui) applyTheme(name string) {
	if u.baseTheme == nil {
		u.baseTheme = u.app.Settings().Theme()
		if vt, ok := u.baseTheme.(variantTheme); ok {
			u.baseTheme = vt.Theme
		}
	}
	switch name {
	case "light":
		u.app.Settings().SetTheme(variantTheme{u.baseTheme, theme.VariantLight})
	case "dark":
		u.app.Settings().SetTheme(variantTheme{u.baseTheme, theme.VariantDark})
	default:
		u.app.Settings().SetTheme(u.baseTheme)
	}
}
