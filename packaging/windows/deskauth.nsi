; DeskAuth's Windows installer (NSIS 3). scripts/dist/windows.sh runs:
;   makensis -DVERSION=1.2.0 -DWINVERSION=1.2.0.0 -DSRCDIR=dir -DICON=icon.ico -DOUTFILE=DeskAuth-Setup-1.2.0.exe deskauth.nsi
; SRCDIR holds deskauth.exe and deskauth-cli.exe.
;
; Per-user: installs into %LOCALAPPDATA%\Programs\DeskAuth without admin
; rights, with a Start-menu shortcut and an entry in Apps & features. "/S"
; installs silently; "/D=C:\path" (last, unquoted) picks the folder.
; The uninstaller removes what the installer put there and nothing else: the
; vault (%APPDATA%\DeskAuth, or a deskauth.vault someone put beside the
; program) is the user's data and stays. Start at login is never switched on
; here; the app's setting does that, and the uninstaller removes its Run value
; so Windows does not try to start a program that is gone.

Unicode true
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user

; With -DSIGNCMD=script (windows.sh passes scripts/dist/sign.sh when a
; certificate is set), the uninstaller is signed as it is written.
!ifdef SIGNCMD
!uninstfinalize '"${SIGNCMD}" "%1"' = 0
!endif

!define APP "DeskAuth"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\DeskAuth"
!define RUNKEY "Software\Microsoft\Windows\CurrentVersion\Run"

Name "${APP}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\DeskAuth"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
BrandingText "${APP} ${VERSION}"

VIProductVersion "${WINVERSION}"
VIFileVersion "${WINVERSION}"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP} Setup"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "DeskAuth"
VIAddVersionKey /LANG=0 "LegalCopyright" "Copyright (C) DeskAuth authors"

!include "MUI2.nsh"
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\deskauth.exe"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
; The installer speaks the user's Windows language when it is one of these.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Japanese"

Function .onInit
	SetShellVarContext current
FunctionEnd

Function un.onInit
	SetShellVarContext current
FunctionEnd

Section "DeskAuth"
	SetOutPath "$INSTDIR"
	File "${SRCDIR}/deskauth.exe"
	File "${SRCDIR}/deskauth-cli.exe"
	WriteUninstaller "$INSTDIR\uninstall.exe"
	CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\deskauth.exe" "" "$INSTDIR\deskauth.exe" 0 SW_SHOWNORMAL "" "${APP}"

	WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APP}"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "DeskAuth"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\deskauth.exe,0"
	WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
	WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
	Delete "$INSTDIR\deskauth.exe"
	Delete "$INSTDIR\deskauth-cli.exe"
	Delete "$INSTDIR\uninstall.exe"
	; Only if empty: a portable deskauth.vault kept here survives.
	RMDir "$INSTDIR"
	Delete "$SMPROGRAMS\${APP}.lnk"
	DeleteRegKey HKCU "${UNINSTKEY}"
	DeleteRegValue HKCU "${RUNKEY}" "${APP}"
	DeleteRegValue HKCU "Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run" "${APP}"
SectionEnd
