; Inno Setup 6 script: OrcaDeskSetup.exe from the PyInstaller bundle (dist\orca-desk, built on
; Windows by `python dev.py package`). Built by .github/workflows/windows-installer.yml:
;   iscc /DAppVersion=0.1.0 packaging\windows\OrcaDesk.iss
; Silent install with the worker service (for IT): OrcaDeskSetup.exe /VERYSILENT /TASKS="service"
;   /DBURL="postgresql+psycopg://user:password@server/orca"

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "Orca Desk"
#define ServiceName "OrcaDeskWorker"

[Setup]
AppId={{6C1B0B7E-2F0B-4C53-9E7B-0A5D4F1C2E61}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Orca Desk
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=OrcaDeskSetup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Installing a service and writing to Program Files need an administrator.
PrivilegesRequired=admin
UninstallDisplayIcon={app}\orca-desk.exe
UninstallDisplayName={#AppName} {#AppVersion}
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "service"; Description: "Run the automation worker as a Windows service (reminders and messages go out with no desk open)"; GroupDescription: "Automation:"; Flags: unchecked

[Files]
Source: "..\..\dist\orca-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\orca-desk.exe"; WorkingDir: "{app}"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\orca-desk.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\orca-desk.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; net stop waits for the worker to finish the message in flight; then the service goes.
Filename: "{sys}\net.exe"; Parameters: "stop {#ServiceName}"; Flags: runhidden waituntilterminated; RunOnceId: "StopService"
Filename: "{sys}\sc.exe"; Parameters: "delete {#ServiceName}"; Flags: runhidden waituntilterminated; RunOnceId: "DeleteService"

[Code]
var
  DatabasePage: TInputQueryWizardPage;

procedure InitializeWizard;
begin
  DatabasePage := CreateInputQueryPage(wpSelectTasks,
    'Automation worker service', 'Which database does the worker use?',
    'Enter the database the desks share, e.g. postgresql+psycopg://user:password@server/orca ' +
    '(or sqlite:///C:/path/to/orca-desk.sqlite3 for a single desk). It is saved in ' +
    ExpandConstant('{commonappdata}') + '\OrcaDesk\worker.env, which an administrator can edit later.');
  DatabasePage.Add('Database URL:', False);
  DatabasePage.Values[0] := ExpandConstant('{param:DBURL|}');
end;

function ShouldSkipPage(PageID: Integer): Boolean;
begin
  Result := (PageID = DatabasePage.ID) and not WizardIsTaskSelected('service');
end;

function NextButtonClick(CurPageID: Integer): Boolean;
begin
  Result := True;
  if (CurPageID = DatabasePage.ID) and (Trim(DatabasePage.Values[0]) = '') then
  begin
    MsgBox('Enter the database URL the worker should use.', mbError, MB_OK);
    Result := False;
  end;
end;

procedure RunHidden(const Program, Params: String);
var
  Code: Integer;
begin
  if not Exec(Program, Params, '', SW_HIDE, ewWaitUntilTerminated, Code) then
    Log(Format('could not run %s %s', [Program, Params]))
  else
    Log(Format('%s %s: exit %d', [Program, Params, Code]));
end;

function PrepareToInstall(var NeedsRestart: Boolean): String;
begin
  // An update replaces the worker's files: stop a running service first (no error if none).
  RunHidden(ExpandConstant('{sys}\net.exe'), 'stop {#ServiceName}');
  Result := '';
end;

procedure InstallService;
var
  Folder: String;
begin
  Folder := ExpandConstant('{commonappdata}\OrcaDesk');
  ForceDirectories(Folder);
  SaveStringToFile(Folder + '\worker.env',
    'ORCA_DESK_DATABASE_URL=' + Trim(DatabasePage.Values[0]) + #13#10, False);
  // The service host (pywin32) starts orca-desk-worker.exe and stops it with Ctrl+Break.
  RunHidden(ExpandConstant('{sys}\sc.exe'), ExpandConstant(
    'create {#ServiceName} binPath= "\"{app}\orca-desk-service.exe\"" start= delayed-auto ' +
    'DisplayName= "Orca Desk automation worker"'));
  // An existing service (an update) keeps its account; its program path is set again.
  RunHidden(ExpandConstant('{sys}\sc.exe'), ExpandConstant(
    'config {#ServiceName} binPath= "\"{app}\orca-desk-service.exe\"" start= delayed-auto'));
  RunHidden(ExpandConstant('{sys}\sc.exe'),
    'description {#ServiceName} "Sends Orca Desk''s reminders and messages and reads replies while no desk is open."');
  // A worker that stops by itself is restarted after a minute (twice, then every minute).
  RunHidden(ExpandConstant('{sys}\sc.exe'),
    'failure {#ServiceName} reset= 86400 actions= restart/60000/restart/60000/restart/60000');
  RunHidden(ExpandConstant('{sys}\sc.exe'), 'failureflag {#ServiceName} 1');
  RunHidden(ExpandConstant('{sys}\sc.exe'), 'start {#ServiceName}');
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if (CurStep = ssPostInstall) and WizardIsTaskSelected('service') then
    InstallService;
end;
