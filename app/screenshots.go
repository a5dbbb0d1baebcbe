package app

import (
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/deskauth/deskauth/capture"
	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/keystore"
)

// Screenshots opens the real window (it needs a display: make screenshots
// runs it under Xvfb), walks through every screen with sample accounts, a
// fixed clock and an in-memory key store, and writes
// dir/<screen>-<lang>-<theme>.png for English and Japanese, light and dark.
// It blocks until done, and must be called from main.
func Screenshots(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "deskauth-shots")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	now := time.Date(2026, 11, 24, 9, 0, 12, 0, time.UTC)
	store := keystore.NewMemory()
	a := fyneapp.NewWithID(AppID + ".screenshots")
	a.SetIcon(Icon)
	path := filepath.Join(tmp, "deskauth.vault")
	u := newUI(a, path, deps{
		now:        func() time.Time { return now },
		store:      func() (keystore.Store, error) { return store, nil },
		scan:       func(context.Context) ([]capture.Found, error) { return nil, capture.ErrNoQR },
		clipboard:  func(context.Context) (image.Image, error) { return nil, capture.ErrNoImage },
		background: func(f func()) { f() },
		argon2:     cheap,
	})
	u.path = "C:\\Users\\yamada\\AppData\\Roaming\\DeskAuth\\deskauth.vault" // what a Windows admin sees
	u.win.Resize(fyne.NewSize(440, 640))

	var failure error
	go func() {
		defer fyne.Do(a.Quit)
		failure = shoot(u, a, dir, path, store)
	}()
	u.win.ShowAndRun()
	return failure
}

// cheap is the Argon2id cost of the screenshots' throwaway vault.
var cheap = vault.Argon2Cost{Time: 1, Memory: 64, Threads: 1}

var sampleURIs = []string{
	"otpauth://totp/Trend%20Micro:admin@example.co.jp?secret=JBSWY3DPEHPK3PXP&issuer=Trend%20Micro",
	"otpauth://totp/Microsoft%20365:yamada@example.co.jp?secret=GEZDGNBVGY3TQOJQ&issuer=Microsoft%20365",
	"otpauth://totp/%E7%AE%A1%E7%90%86%E3%82%B3%E3%83%B3%E3%82%BD%E3%83%BC%E3%83%AB:yamada?secret=KRSXG5CTMVRXEZLU&digits=8&issuer=%E7%AE%A1%E7%90%86%E3%82%B3%E3%83%B3%E3%82%BD%E3%83%BC%E3%83%AB",
	"otpauth://totp/AWS:root@example.co.jp?secret=MFRGGZDFMZTWQ2LK&issuer=AWS",
	"otpauth://hotp/FortiGate:vpn-admin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=7&issuer=FortiGate",
}

// windowTitle names the window for import; it stays the same in every
// language.
const windowTitle = "DeskAuth screenshots"

func shoot(u *ui, a fyne.App, dir, path string, store keystore.Store) error {
	var accts []vault.Account
	for _, s := range sampleURIs {
		acct, err := vault.ParseURI(s)
		if err != nil {
			return err
		}
		accts = append(accts, acct)
	}
	for _, l := range []string{"en", "ja"} {
		for _, t := range []string{"light", "dark"} {
			var err error
			// Each step starts with no dialog on show.
			do := func(f func()) {
				fyne.DoAndWait(func() {
					for o := u.win.Canvas().Overlays(); o.Top() != nil; {
						o.Remove(o.Top())
					}
					u.win.Resize(fyne.NewSize(440, 640))
					f()
				})
			}
			snap := func(name string) {
				if err != nil {
					return
				}
				time.Sleep(700 * time.Millisecond) // let the window paint
				err = grabWindow(filepath.Join(dir, fmt.Sprintf("%s-%s-%s.png", name, l, t)))
			}
			do(func() {
				u.prefs.SetLanguage(l)
				u.prefs.SetTheme(t)
				applyLanguage(l)
				u.applyTheme(t)
				u.win.SetTitle(windowTitle)
				u.lock()
				os.Remove(path)
				u.showSetup()
			})
			snap("setup")
			do(func() {
				v, e := vault.Create(path, vault.Protection{Password: []byte("pw"), Store: store, Argon2: cheap})
				if e == nil {
					_, e = v.Add(accts...)
					v.Close()
				}
				err = e
				u.showUnlockFor(true, true, "")
			})
			snap("unlock")
			do(func() {
				v, e := vault.Open(path, vault.Unlocker{Store: store})
				if e != nil {
					err = e
					return
				}
				u.opened(v)
			})
			snap("codes")
			do(func() {
				reenrol, _ := vault.ParseURI("otpauth://totp/AWS:root@example.co.jp?secret=ONSWG4TFORZWK3TU&issuer=AWS")
				u.showAdd([]vault.Account{reenrol})
			})
			snap("verify")
			do(func() { u.showSettings() })
			snap("settings")
			do(func() {
				u.importText(strings.Join([]string{sampleURIs[0],
					"otpauth://totp/GitHub:yamada-admin?secret=NBSWY3DPO5XXE3DE&issuer=GitHub",
					"otpauth://totp/Salesforce:yamada@example.co.jp?secret=ORSXG5BRGIZTINJW&issuer=Salesforce",
					"otpauth://totp/AWS:root@example.co.jp?secret=ONSWG4TFORZWK3TU&issuer=AWS",
					"otpauth://totp/Broken:x?secret=0000"}, "\n"))
			})
			snap("import")
			do(func() { u.showSettings(); u.showAbout() })
			snap("about")
			do(func() { u.export(exportQR) })
			snap("export-qr")
			if err != nil {
				return err
			}
		}
	}
	do := func(f func()) { fyne.DoAndWait(f) }
	do(func() {
		u.lock()
		u.prefs.SetLanguage("")
		u.prefs.SetTheme("")
		applyLanguage("")
	})
	return nil
}

// grabWindow photographs the window as the X server shows it, with
// ImageMagick's import: what a user would see, painted by the real driver.
func grabWindow(path string) error {
	out, err := exec.Command("import", "-window", windowTitle, path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("import: %v: %s", err, out)
	}
	return nil
}
