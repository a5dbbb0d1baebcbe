package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/deskauth/deskauth/capture"
	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/transfer"
)

// import and export: the CLI face of vault/transfer. Parsing and writing
// the formats is transfer's; deciding what an import adds, skips or
// replaces is the vault's (Plan, AddPlanned). This file reads flags,
// passwords and answers, and words the results.

const (
	envImportPassword = "DESKAUTH_IMPORT_PASSWORD"
	envExportPassword = "DESKAUTH_EXPORT_PASSWORD"
)

func formatNames(fs []transfer.Format) string {
	var s []string
	for _, f := range fs {
		s = append(s, string(f))
	}
	return strings.Join(s, "|")
}

func runImport(c *cli, args []string) error {
	fs := c.flags("import")
	vf := c.vaultFlags(fs)
	format := fs.String("format", "auto", "the file's `format`: "+formatNames(transfer.ImportFormats))
	yes := fs.Bool("yes", false, "add without asking (re-enrolled accounts are replaced)")
	pwFile := fs.String("import-password-file", "", "read the file's password from the first line of `file` ($"+envImportPassword+" also works)")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	f := transfer.Format(*format)
	if !knownFormat(f, transfer.ImportFormats) {
		return usagef("--format must be one of %s, not %q", formatNames(transfer.ImportFormats), *format)
	}
	var res *transfer.Result
	name := strings.Join(pos, ", ")
	switch {
	case len(pos) == 0:
		return usagef("import takes one FILE (or - for stdin), or the images of an export's QR codes")
	case allImages(pos):
		if res, err = importImages(pos); err != nil {
			return err
		}
	case len(pos) > 1:
		return usagef("import takes one FILE; only QR code images can be given together")
	default:
		var in io.Reader = c.stdin
		if name != "-" {
			file, err := os.Open(name)
			if err != nil {
				return err
			}
			defer file.Close()
			in = file
		} else if !*yes {
			return usagef("import - reads the file from stdin, so it cannot ask: add --yes")
		}
		res, err = transfer.ParseReader(in, transfer.Options{Format: f, Password: func() ([]byte, error) {
			return c.importPassword(*pwFile, name)
		}})
		if err != nil {
			return importError(name, err)
		}
	}

	v, err := c.openVault(vf)
	if err != nil {
		return err
	}
	defer v.Close()
	plan := v.Plan(res.Accounts)
	c.printPreview(name, res, plan)
	if countToAdd(plan) == 0 {
		fmt.Fprintln(c.stdout, "nothing to add")
		return nil
	}
	if !*yes {
		answers := bufio.NewReader(c.stdin)
		if ok, err := c.confirm(answers, plan); err != nil {
			return err
		} else if !ok {
			return errors.New("import cancelled; nothing was changed")
		}
	}
	rep, err := v.AddPlanned(plan)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "added %d, replaced %d, added under a free name %d, skipped %d; saved %s\n",
		len(rep.Added), len(rep.Replaced), len(rep.Renamed), len(rep.Skipped), v.Path())
	return nil
}

// allImages reports whether every path starts like an image file (PNG,
// JPEG, GIF, BMP, WebP): QR codes to decode rather than an export to parse.
func allImages(paths []string) bool {
	for _, p := range paths {
		if p == "-" || !isImage(p) {
			return false
		}
	}
	return true
}

func isImage(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 12)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	for _, magic := range []string{"\x89PNG", "\xff\xd8\xff", "GIF8", "BM"} {
		if strings.HasPrefix(string(head), magic) {
			return true
		}
	}
	return n == 12 && string(head[:4]) == "RIFF" && string(head[8:]) == "WEBP"
}

// importImages decodes the QR codes in image files: otpauth URIs, and the
// codes of Google Authenticator exports, collected batch by batch. An
// export with a code missing is refused, naming how many were found.
func importImages(paths []string) (*transfer.Result, error) {
	found, err := capture.DecodeFiles(paths...)
	if errors.Is(err, capture.ErrNoQR) {
		return nil, exitCodeError{exitNoQR, err}
	}
	if err != nil {
		return nil, err
	}
	batches := transfer.NewBatches()
	var lines []string
	for _, fc := range found {
		if vault.ClassifyPayload(fc.Text) != vault.PayloadMigration {
			lines = append(lines, fc.Text)
			continue
		}
		if _, err := batches.Add(fc.Text); err != nil {
			return nil, fmt.Errorf("%s: %w", fc.Path, err)
		}
	}
	if p := batches.Pending(); len(p) > 0 {
		return nil, fmt.Errorf("only %d of the %d QR codes of a Google Authenticator export were found; give the images of all of them", p[0].Scanned, p[0].Size)
	}
	res := batches.Take()
	if len(lines) > 0 {
		more, err := transfer.ParseText(strings.Join(lines, "\n"), transfer.Options{Format: transfer.OTPAuth})
		if err != nil {
			return nil, err
		}
		res.Merge(more)
	}
	return res, nil
}

func knownFormat(f transfer.Format, list []transfer.Format) bool {
	for _, g := range list {
		if f == g {
			return true
		}
	}
	return false
}

// importError words a transfer error for the CLI.
func importError(name string, err error) error {
	switch {
	case errors.Is(err, transfer.ErrPasswordRequired):
		return fmt.Errorf("%s is encrypted: type its password in a terminal, or use --import-password-file FILE or %s", name, envImportPassword)
	case errors.Is(err, vault.ErrWrongPassword):
		return fmt.Errorf("%s: wrong password; nothing was imported", name)
	case errors.Is(err, transfer.ErrUnknownFormat):
		return fmt.Errorf("%s: not a format DeskAuth can import (try --format)", name)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// importPassword gets the password of the file being imported: from
// --import-password-file, $DESKAUTH_IMPORT_PASSWORD, or a no-echo prompt.
func (c *cli) importPassword(file, name string) ([]byte, error) {
	if file != "" {
		return readPasswordFile("--import-password-file", file)
	}
	if pw := c.getenv(envImportPassword); pw != "" {
		return []byte(pw), nil
	}
	fd, ok := c.terminal()
	if !ok {
		return nil, transfer.ErrPasswordRequired
	}
	return c.prompt(fd, "Password for "+name+": ")
}

func countToAdd(plan []vault.Planned) int {
	n := 0
	for _, p := range plan {
		if p.Outcome != vault.Duplicate {
			n++
		}
	}
	return n
}

// printPreview lists what the import would do, then the entries that
// cannot be imported.
func (c *cli) printPreview(name string, res *transfer.Result, plan []vault.Planned) {
	fmt.Fprintf(c.stdout, "%s (%s): %d account(s)\n", name, res.Format, len(res.Accounts))
	for _, p := range plan {
		switch p.Outcome {
		case vault.New:
			fmt.Fprintf(c.stdout, "  add         %s\n", p.Account.Label())
		case vault.Duplicate:
			fmt.Fprintf(c.stdout, "  duplicate   %s (already in the vault: skipped)\n", p.Account.Label())
		case vault.Reenrolment:
			fmt.Fprintf(c.stdout, "  re-enrolled %s (new secret: replace, or keep both)\n", p.Account.Label())
		}
	}
	if len(res.Problems) > 0 {
		fmt.Fprintf(c.stdout, "%d entr(ies) cannot be imported:\n", len(res.Problems))
		for _, p := range res.Problems {
			fmt.Fprintf(c.stdout, "  %s\n", oneLine(p.Error()))
		}
	}
}

// confirm asks about each re-enrolment, then whether to add.
func (c *cli) confirm(answers *bufio.Reader, plan []vault.Planned) (bool, error) {
	for i := range plan {
		if plan[i].Outcome != vault.Reenrolment {
			continue
		}
		a, err := c.ask(answers, fmt.Sprintf("%s has a new secret: [r]eplace, [k]eep both or [s]kip? [r] ", plan[i].Account.Label()))
		if err != nil {
			return false, err
		}
		switch strings.ToLower(a) {
		case "", "r", "replace":
			plan[i].Choice = vault.Replace
		case "k", "keep", "keep both":
			plan[i].Choice = vault.KeepBoth
		case "s", "skip":
			plan[i].Choice = vault.Skip
		default:
			return false, usagef("answer r, k or s, not %q", a)
		}
	}
	a, err := c.ask(answers, "Import these accounts? [y/N] ")
	if err != nil {
		return false, err
	}
	return strings.EqualFold(a, "y") || strings.EqualFold(a, "yes"), nil
}

func (c *cli) ask(answers *bufio.Reader, question string) (string, error) {
	fmt.Fprint(c.stderr, question)
	line, err := answers.ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(c.stderr)
		return "", errors.New("no answer on stdin (use --yes to import without asking); nothing was changed")
	}
	return strings.TrimSpace(line), nil
}

func runExport(c *cli, args []string) error {
	fs := c.flags("export")
	vf := c.vaultFlags(fs)
	format := fs.String("format", "", "what to write: "+formatNames(transfer.ExportFormats))
	plaintext := fs.Bool("plaintext", false, "write the secrets unencrypted (required for otpauth; makes aegis plain JSON)")
	pwFile := fs.String("export-password-file", "", "read the export's password from the first line of `file` ($"+envExportPassword+" also works)")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	f := transfer.Format(*format)
	switch {
	case *format == "":
		return usagef("export needs --format %s", formatNames(transfer.ExportFormats))
	case !knownFormat(f, transfer.ExportFormats):
		return usagef("--format must be one of %s, not %q", formatNames(transfer.ExportFormats), *format)
	case len(pos) != 1:
		return usagef("export takes one FILE (- for stdout; a folder or name prefix for QR codes)")
	case f == transfer.OTPAuth && !*plaintext:
		return usagef("an otpauth export holds every secret in the clear: add --plaintext if that is what you want")
	case f == transfer.DeskAuth && *plaintext:
		return usagef("a DeskAuth backup is always encrypted: drop --plaintext")
	case pos[0] == "-" && f != transfer.OTPAuth && f != transfer.Aegis:
		return usagef("only the text formats (otpauth, aegis) can be written to stdout")
	}
	out := pos[0]

	v, err := c.readVault(vf)
	if err != nil {
		return err
	}
	defer v.Close()
	accts := v.Accounts()
	if len(accts) == 0 {
		return errors.New("the vault has no accounts to export")
	}

	encrypted := f == transfer.DeskAuth || (f == transfer.Aegis && !*plaintext)
	var pw []byte
	if encrypted {
		if pw, err = c.exportPassword(*pwFile); err != nil {
			return err
		}
	}
	switch f {
	case transfer.QR, transfer.GoogleQR:
		return c.writeQR(f, accts, out)
	}
	var data []byte
	switch f {
	case transfer.OTPAuth:
		data = transfer.ExportOTPAuth(accts)
	case transfer.Aegis:
		if !encrypted {
			pw = nil
		}
		data, err = transfer.ExportAegis(accts, pw)
	case transfer.DeskAuth:
		data, err = transfer.ExportDeskAuth(accts, v.Settings, pw)
	}
	if err != nil {
		return err
	}
	if out == "-" {
		_, err := c.stdout.Write(data)
		return err
	}
	if err := writeNew(out, data); err != nil {
		return err
	}
	how := "unencrypted"
	if encrypted {
		how = "encrypted"
	}
	fmt.Fprintf(c.stderr, "wrote %d account(s) to %s (%s, %s)\n", len(accts), out, f, how)
	return nil
}

// exportPassword gets the password to encrypt an export with: from
// --export-password-file, $DESKAUTH_EXPORT_PASSWORD, or typed twice at a
// no-echo prompt.
func (c *cli) exportPassword(file string) ([]byte, error) {
	if file != "" {
		return readPasswordFile("--export-password-file", file)
	}
	if pw := c.getenv(envExportPassword); pw != "" {
		return []byte(pw), nil
	}
	fd, ok := c.terminal()
	if !ok {
		return nil, fmt.Errorf("the export needs a password: type it in a terminal, or use --export-password-file FILE or %s", envExportPassword)
	}
	pw, err := c.prompt(fd, "Password for the export: ")
	if err != nil {
		return nil, err
	}
	if len(pw) == 0 {
		return nil, errors.New("the password is empty; nothing was written")
	}
	again, err := c.prompt(fd, "Type it again: ")
	if err != nil {
		return nil, err
	}
	if string(pw) != string(again) {
		return nil, errors.New("the two passwords differ; nothing was written")
	}
	return pw, nil
}

// writeQR writes one PNG per code: into the folder out, or as out-NAME.png
// when out is not a folder.
func (c *cli) writeQR(f transfer.Format, accts []vault.Account, out string) error {
	var imgs []transfer.Image
	var err error
	if f == transfer.QR {
		imgs, err = transfer.ExportQR(accts)
	} else {
		var problems []transfer.Problem
		imgs, problems, err = transfer.ExportMigrationQR(accts)
		for _, p := range problems {
			fmt.Fprintf(c.stderr, "left out: %s\n", oneLine(p.Error()))
		}
	}
	if err != nil {
		return err
	}
	if len(imgs) == 0 {
		return errors.New("no account can be written in this format")
	}
	dir, prefix := out, ""
	if fi, err := os.Stat(out); err != nil || !fi.IsDir() {
		if strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(os.PathSeparator)) {
			if err := os.MkdirAll(out, 0o700); err != nil {
				return err
			}
		} else {
			dir, prefix = filepath.Dir(out), filepath.Base(out)+"-"
		}
	}
	for _, im := range imgs {
		if err := writeNew(filepath.Join(dir, prefix+im.Name+".png"), im.PNG); err != nil {
			return err
		}
	}
	fmt.Fprintf(c.stderr, "wrote %d QR code(s) to %s\n", len(imgs), filepath.Join(dir, prefix+"*.png"))
	return nil
}

// writeNew creates path, readable by the user only, refusing to replace a
// file that exists.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s already exists; nothing was written", path)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}
