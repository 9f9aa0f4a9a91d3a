# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# The PowerShell helpers of hybrid_identity.entra_connect. For internal collection use only.
#
# This is the only code of the collection that runs on Windows. The Windows backend sends this
# file as the script of ansible.windows.win_powershell, after a generated param block and before
# a one-line call of one helper. Each helper does one read or one write against the ADSync engine
# and returns one [PSCustomObject] whose fields are exactly those of its entry in
# plugins/plugin_utils/server/_contract.py; the Python action plugins make every decision.
#
# Rules checked by tools/helpercheck.py: every ADSync/ADSyncTools cmdlet called is in the
# catalogue and undocumented ones only where the contract gives the reason; parameters are
# always named (no splatting); read helpers set $WhatIfPreference = $false (some ADSync Get-
# cmdlets support ShouldProcess and would do nothing under check mode); write helpers set
# $ConfirmPreference = 'None' (a prompt over WinRM hangs or fails); Get-ADSyncRunProfileResult
# -NumberRequested only under a guard that the count is above 0 (0 returns the whole history);
# global parameters found with Where-Object Name -eq (the .Parameters['name'] indexer throws on a
# missing name); registry and CIM reads never use -ErrorAction SilentlyContinue (a denied read
# must not look like "not installed"); native programs run with their stderr captured, not
# turned into a terminating error before $LASTEXITCODE is read; no formatting.
# Wire types: DateTime as ISO 8601 UTC strings, TimeSpan as seconds, enums by name.

function ConvertTo-EntraConnectUtcString {
    <#
    .SYNOPSIS
    A DateTime as an ISO 8601 UTC string, or $null.
    .PARAMETER Value
    The DateTime. A value of kind Unspecified is taken as UTC (ADSync stores UTC times).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [AllowNull()]
        [object]$Value
    )
    if ($null -eq $Value) {
        return $null
    }
    $time = [DateTime]$Value
    if ($time.Year -le 1) {
        # DateTime.MinValue: RunProfileResult.EndDate of a run still in progress (a non-nullable DateTime).
        return $null
    }
    if ($time.Kind -eq [DateTimeKind]::Local) {
        $time = $time.ToUniversalTime()
    }
    else {
        $time = [DateTime]::SpecifyKind($time, [DateTimeKind]::Utc)
    }
    $time.ToString('yyyy-MM-ddTHH:mm:ss.fffZ', [Globalization.CultureInfo]::InvariantCulture)
}

function Get-EntraConnectRegistryValues {
    <#
    .SYNOPSIS
    The values of one HKLM key (64-bit view) as an object, or $null when the key does not exist.
    .DESCRIPTION
    A key that exists but cannot be read throws, naming the key: a denied read must never look
    like an absent key (an installer would then act on a live server).
    .PARAMETER SubKey
    The key below HKEY_LOCAL_MACHINE, for example 'SOFTWARE\Microsoft\Azure AD Connect'.
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [string]$SubKey
    )
    $hive = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
    try {
        try {
            $key = $hive.OpenSubKey($SubKey)
        }
        catch [System.Security.SecurityException], [System.UnauthorizedAccessException] {
            throw "Access to the registry key HKLM\$SubKey was denied: connect as a local administrator (become) to read it."
        }
        if ($null -eq $key) {
            return $null
        }
        try {
            $values = [ordered]@{}
            foreach ($name in $key.GetValueNames()) {
                $values[$name] = $key.GetValue($name)
            }
            New-Object -TypeName PSObject -Property $values
        }
        finally {
            $key.Dispose()
        }
    }
    finally {
        $hive.Dispose()
    }
}

function Get-EntraConnectSyncService {
    <#
    .SYNOPSIS
    The ADSync service's Win32_Service object, or $null when there is no such service.
    .DESCRIPTION
    A filter that matches nothing returns nothing without an error; a denied CIM read throws.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param()
    Get-CimInstance -ClassName Win32_Service -Filter "Name='ADSync'"
}

function Get-EntraConnectWriteError {
    <#
    .SYNOPSIS
    The error message for a failed configuration change: a prompt or an authentication failure
    says that the change needs the wizard (or an interactive admin sign-in); others are kept.
    .PARAMETER ErrorRecord
    The error the write raised.
    .PARAMETER Change
    What was being changed, as the message names it.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.ErrorRecord]$ErrorRecord,
        [Parameter(Mandatory)]
        [string]$Change
    )
    $message = [string]$ErrorRecord.Exception.Message
    # A prompt in a host without a user: "A command that prompts the user failed because the host
    # program or the command type does not support user interaction."
    $prompted = ($ErrorRecord.Exception -is [System.Management.Automation.Host.HostException]) -or ($message -match 'prompts the user|user interaction')
    $authentication = $message -match 'AADSTS|authenticat|sign-in|sign in|credential|unauthori[sz]ed|interactive'
    if ($prompted -or $authentication) {
        return ("$Change needs an interactive admin sign-in, which a remote session cannot give (since May 2026 PowerShell " +
            "configuration changes of Entra Connect Sync may prompt for one): make the change in the Microsoft Entra " +
            "Connect wizard on the server. The error was: $message")
    }
    $message
}

function Import-EntraConnectADSync {
    <#
    .SYNOPSIS
    Imports the ADSync module from the sync engine's installation folder and returns that folder.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    $parameters = Get-EntraConnectRegistryValues -SubKey 'SYSTEM\CurrentControlSet\Services\ADSync\Parameters'
    if (-not $parameters -or -not $parameters.Path) {
        throw 'The Entra Connect sync engine is not installed on this server (no ADSync service parameters in the registry).'
    }
    $service = Get-EntraConnectSyncService
    if ($service -and [string]$service.State -ne 'Running') {
        throw ("The ADSync service is $([string]$service.State) on this server; ADSync cmdlets need it running. An " +
            'upgrade or the wizard may be in progress: wait for it to finish, or start the service (Start-Service ADSync).')
    }
    $module = Join-Path -Path $parameters.Path -ChildPath 'Bin\ADSync\ADSync.psd1'
    Import-Module -Name $module -Verbose:$false
    [string]$parameters.Path
}

function New-EntraConnectArchive {
    <#
    .SYNOPSIS
    Compresses a folder into a zip archive and returns the archive's SHA-256 (lower-case hex).
    .PARAMETER SourcePath
    The folder to compress.
    .PARAMETER ArchivePath
    The zip file to create.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [string]$SourcePath,
        [Parameter(Mandatory)]
        [string]$ArchivePath
    )
    Add-Type -AssemblyName 'System.IO.Compression.FileSystem'
    [System.IO.Compression.ZipFile]::CreateFromDirectory($SourcePath, $ArchivePath)
    (Get-FileHash -LiteralPath $ArchivePath -Algorithm SHA256).Hash.ToLowerInvariant()
}

function Remove-EntraConnectStaleTempFolder {
    <#
    .SYNOPSIS
    Removes the temp folders of Export- helpers that died (a killed job, a lost WinRM session)
    before the caller removed them: only EntraConnect-<32 hex> folders directly in the temp
    folder, and only when nothing in them changed for MaxAgeHours. Returns the removed paths.
    .PARAMETER MaxAgeHours
    A folder untouched for longer than this is stale; a running helper keeps touching its own.
    #>
    [CmdletBinding()]
    [OutputType([string[]])]
    param(
        [int]$MaxAgeHours = 24
    )
    $root = [System.IO.Path]::GetTempPath()
    $cutoff = [DateTime]::UtcNow.AddHours(-$MaxAgeHours)
    $removed = New-Object -TypeName 'System.Collections.Generic.List[string]'
    try {
        $candidates = @(Get-ChildItem -LiteralPath $root -Directory -Filter 'EntraConnect-*' -ErrorAction Stop)
    }
    catch {
        Write-Verbose -Message ("Could not list '{0}' for stale temp folders: {1}" -f $root, $_.Exception.Message)
        $candidates = @()
    }
    foreach ($folder in $candidates) {
        if ($folder.Name -notmatch '^EntraConnect-[0-9a-fA-F]{32}$') {
            continue
        }
        $newest = $folder.LastWriteTimeUtc
        try {
            $items = @(Get-ChildItem -LiteralPath $folder.FullName -Recurse -Force -ErrorAction Stop)
        }
        catch {
            # A folder that cannot be read whole is left alone: its newest change is unknown.
            Write-Verbose -Message ("Left the temp folder '{0}': {1}" -f $folder.FullName, $_.Exception.Message)
            continue
        }
        foreach ($item in $items) {
            if ($item.LastWriteTimeUtc -gt $newest) {
                $newest = $item.LastWriteTimeUtc
            }
        }
        if ($newest -lt $cutoff) {
            try {
                Remove-Item -LiteralPath $folder.FullName -Recurse -Force -ErrorAction Stop
                $removed.Add($folder.FullName)
            }
            catch {
                Write-Verbose -Message ("Left the stale temp folder '{0}': {1}" -f $folder.FullName, $_.Exception.Message)
            }
        }
    }
    , $removed.ToArray()
}

function ConvertTo-EntraConnectSchedulerResult {
    <#
    .SYNOPSIS
    The scheduler fields of the contract from a Get-ADSyncScheduler object.
    .PARAMETER Scheduler
    The Get-ADSyncScheduler result.
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [object]$Scheduler
    )
    $customized = $null
    if ($null -ne $Scheduler.CustomizedSyncCycleInterval) {
        $customized = [int64]$Scheduler.CustomizedSyncCycleInterval.TotalSeconds
    }
    [PSCustomObject]@{
        allowed_sync_cycle_interval_seconds = [int64]$Scheduler.AllowedSyncCycleInterval.TotalSeconds
        currently_effective_sync_cycle_interval_seconds = [int64]$Scheduler.CurrentlyEffectiveSyncCycleInterval.TotalSeconds
        customized_sync_cycle_interval_seconds = $customized
        next_sync_cycle_policy_type = [string]$Scheduler.NextSyncCyclePolicyType
        next_sync_cycle_start_at = ConvertTo-EntraConnectUtcString -Value $Scheduler.NextSyncCycleStartTimeInUTC
        purge_run_history_interval_seconds = [int64]$Scheduler.PurgeRunHistoryInterval.TotalSeconds
        sync_cycle_enabled = [bool]$Scheduler.SyncCycleEnabled
        maintenance_enabled = [bool]$Scheduler.MaintenanceEnabled
        staging_mode_enabled = [bool]$Scheduler.StagingModeEnabled
        scheduler_suspended = [bool]$Scheduler.SchedulerSuspended
        sync_cycle_in_progress = [bool]$Scheduler.SyncCycleInProgress
    }
}

function ConvertTo-EntraConnectRunResult {
    <#
    .SYNOPSIS
    The run fields of the contract from a Get-ADSyncRunProfileResult object.
    .PARAMETER Run
    One Get-ADSyncRunProfileResult result.
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [object]$Run
    )
    [PSCustomObject]@{
        run_history_id = [string]$Run.RunHistoryId
        connector_name = [string]$Run.ConnectorName
        run_profile_name = [string]$Run.RunProfileName
        run_number = [int]$Run.RunNumber
        result = [string]$Run.Result
        is_run_complete = [bool]$Run.IsRunComplete
        started_at = ConvertTo-EntraConnectUtcString -Value $Run.StartDate
        ended_at = ConvertTo-EntraConnectUtcString -Value $Run.EndDate
    }
}

function ConvertTo-EntraConnectConnectorResult {
    <#
    .SYNOPSIS
    The connector fields of the contract from a Get-ADSyncConnector object.
    .PARAMETER Connector
    One Get-ADSyncConnector result.
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [object]$Connector
    )
    $partitions = [System.Collections.Generic.List[object]]::new()
    foreach ($partition in @($Connector.Partitions)) {
        $partitions.Add([PSCustomObject]@{
                name = [string]$partition.Name
                selected = [bool]$partition.Selected
            })
    }
    $runProfiles = @(@($Connector.RunProfiles) | ForEach-Object -Process { [string]$_.Name })
    [PSCustomObject]@{
        name = [string]$Connector.Name
        identifier = [string]$Connector.Identifier
        type = [string]$Connector.ConnectorTypeName
        subtype = [string]$Connector.Subtype
        partitions = $partitions.ToArray()
        run_profiles = $runProfiles
    }
}

function Get-EntraConnectServerState {
    <#
    .SYNOPSIS
    Everything server_info reports, in one round trip.
    .DESCRIPTION
    A server without Entra Connect answers installed = $false; a server with the binaries but no
    sync engine configuration answers configured = $false. Neither is an error. ADSync cmdlets are
    called only while the ADSync service is Running (they throw otherwise): with the service in
    another state the answer has the versions and the service, engine_state = 'service_stopped' and
    configured = $null (unknown, never $false: a stopped live server must not look like one to build).
    .PARAMETER RunHistoryCount
    How many of the newest run profile results to return (0: none).
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [int]$RunHistoryCount
    )
    $ErrorActionPreference = 'Stop'
    $WhatIfPreference = $false

    $wizard = Get-EntraConnectRegistryValues -SubKey 'SOFTWARE\Microsoft\Azure AD Connect'
    $engine = Get-EntraConnectRegistryValues -SubKey 'SYSTEM\CurrentControlSet\Services\ADSync\Parameters'
    $service = Get-EntraConnectSyncService

    # Microsoft's documented version check: the Product version of AzureADConnect.exe (WizardPath).
    $productVersion = $null
    if ($wizard -and $wizard.WizardPath -and (Test-Path -LiteralPath $wizard.WizardPath)) {
        $productVersion = ([string](Get-Item -LiteralPath $wizard.WizardPath).VersionInfo.ProductVersion).Trim()
    }
    $engineVersion = $null
    $serviceResult = $null
    if ($service) {
        $image = ([string]$service.PathName).Trim().Trim('"')
        if (Test-Path -LiteralPath $image) {
            $engineVersion = [string](Get-Item -LiteralPath $image).VersionInfo.FileVersion
        }
        $serviceResult = [PSCustomObject]@{
            account = [string]$service.StartName
            state = [string]$service.State
            start_mode = [string]$service.StartMode
        }
    }
    $installPath = $null
    if ($engine -and $engine.Path) {
        $installPath = [string]$engine.Path
    }
    $installed = [bool](($wizard -and $wizard.WizardPath) -or $service)
    $wizardRunning = [bool](@(Get-Process | Where-Object -Property ProcessName -EQ -Value 'AzureADConnect').Count -gt 0)

    $database = $null
    $scheduler = $null
    $globalParameters = @{}
    $connectors = [System.Collections.Generic.List[object]]::new()
    $busy = @()
    $autoUpgrade = $null
    $credentialType = $null
    $runs = [System.Collections.Generic.List[object]]::new()
    $configured = $false
    $engineState = 'absent'
    if ($service -and $installPath -and [string]$service.State -ne 'Running') {
        $configured = $null
        $engineState = 'service_stopped'
    }
    elseif ($service -and $installPath) {
        $engineState = 'read'
        $null = Import-EntraConnectADSync
        foreach ($connector in @(Get-ADSyncConnector)) {
            $result = ConvertTo-EntraConnectConnectorResult -Connector $connector
            $statistics = $null
            try {
                $counts = Get-ADSyncConnectorStatistics -ConnectorName $connector.Name
                $statistics = [PSCustomObject]@{
                    export_add_count = [int]$counts.ExportAdds
                    export_update_count = [int]$counts.ExportUpdates
                    export_delete_count = [int]$counts.ExportDeletes
                    import_add_count = [int]$counts.ImportAdds
                    import_update_count = [int]$counts.ImportUpdates
                    import_delete_count = [int]$counts.ImportDeletes
                    import_no_change_count = [int]$counts.ImportNoChange
                    total_connector_count = [int]$counts.TotalConnectors
                }
            }
            catch {
                Write-Warning -Message "Get-ADSyncConnectorStatistics failed for connector '$($connector.Name)': $($_.Exception.Message)"
            }
            $override = $null
            $flags = Get-ADSyncSchedulerConnectorOverride -ConnectorName $connector.Name
            if ($flags) {
                $override = [PSCustomObject]@{
                    full_import_required = [bool]$flags.FullImportRequired
                    full_sync_required = [bool]$flags.FullSyncRequired
                }
            }
            $connectors.Add([PSCustomObject]@{
                    name = $result.name
                    identifier = $result.identifier
                    type = $result.type
                    subtype = $result.subtype
                    partitions = $result.partitions
                    run_profiles = $result.run_profiles
                    statistics = $statistics
                    override = $override
                })
        }
        $configured = $connectors.Count -gt 0
        $scheduler = ConvertTo-EntraConnectSchedulerResult -Scheduler (Get-ADSyncScheduler)
        foreach ($parameter in @((Get-ADSyncGlobalSettings).Parameters)) {
            $globalParameters[[string]$parameter.Name] = $parameter.Value
        }
        $busy = @(Get-ADSyncConnectorRunStatus | ForEach-Object -Process { [string]$_.ConnectorName })
        $autoUpgrade = [string](Get-ADSyncAutoUpgrade)
        $db = Get-ADSyncDatabaseConfiguration
        $database = [PSCustomObject]@{
            local_db = [bool]$db.IsLocalDBInstalled
            server = [string]$db.SqlServerName
            instance = [string]$db.SqlServerInstanceName
            name = [string]$db.SqlServerDBName
            used_space_mb = [double]$db.UsedSpaceInMb
        }
        # Documented from 2.5.3.0 (application-based authentication); older servers have no such cmdlet.
        if ($configured -and (Get-Command -Name 'Get-ADSyncEntraConnectorCredential' -ErrorAction SilentlyContinue)) {
            try {
                $credentialType = [string](Get-ADSyncEntraConnectorCredential).ConnectorIdentityType
            }
            catch {
                Write-Warning -Message "Get-ADSyncEntraConnectorCredential failed: $($_.Exception.Message)"
            }
        }
        # -NumberRequested 0 returns the whole run history: ask only for a positive count.
        if ($RunHistoryCount -gt 0) {
            foreach ($run in @(Get-ADSyncRunProfileResult -NumberRequested $RunHistoryCount)) {
                $runs.Add((ConvertTo-EntraConnectRunResult -Run $run))
            }
        }
    }
    $tools = [bool](Get-Command -Name 'Enable-ADSyncToolsStagingMode' -ErrorAction SilentlyContinue)

    [PSCustomObject]@{
        computer_name = [string]$env:COMPUTERNAME
        collected_at = ConvertTo-EntraConnectUtcString -Value ([DateTime]::UtcNow)
        installed = $installed
        configured = $configured
        engine_state = $engineState
        product_version = $productVersion
        engine_version = $engineVersion
        install_path = $installPath
        service = $serviceResult
        database = $database
        scheduler = $scheduler
        global_parameters = $globalParameters
        connectors = $connectors.ToArray()
        busy_connectors = $busy
        auto_upgrade_state = $autoUpgrade
        entra_credential_type = $credentialType
        wizard_running = $wizardRunning
        runs = $runs.ToArray()
        adsynctools_staging_available = $tools
    }
}

function Get-EntraConnectSyncStatus {
    <#
    .SYNOPSIS
    The scheduler, the busy connectors and the staging global setting: the read that waits poll.
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param()
    $ErrorActionPreference = 'Stop'
    $WhatIfPreference = $false
    $null = Import-EntraConnectADSync
    $scheduler = ConvertTo-EntraConnectSchedulerResult -Scheduler (Get-ADSyncScheduler)
    $busy = @(Get-ADSyncConnectorRunStatus | ForEach-Object -Process { [string]$_.ConnectorName })
    $staging = @((Get-ADSyncGlobalSettings).Parameters | Where-Object -Property Name -EQ -Value 'Microsoft.Synchronize.StagingMode') | Select-Object -First 1
    $stagingValue = $null
    if ($staging) {
        $stagingValue = [string]$staging.Value
    }
    [PSCustomObject]@{
        scheduler = $scheduler
        busy_connectors = $busy
        staging_mode_global_setting = $stagingValue
    }
}

function Get-EntraConnectRunHistory {
    <#
    .SYNOPSIS
    The newest run profile results, newest first.
    .PARAMETER NumberRequested
    How many results to return (0: none).
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [int]$NumberRequested
    )
    $ErrorActionPreference = 'Stop'
    $WhatIfPreference = $false
    $null = Import-EntraConnectADSync
    $runs = [System.Collections.Generic.List[object]]::new()
    # -NumberRequested 0 returns the whole run history: ask only for a positive count.
    if ($NumberRequested -gt 0) {
        foreach ($run in @(Get-ADSyncRunProfileResult -NumberRequested $NumberRequested)) {
            $runs.Add((ConvertTo-EntraConnectRunResult -Run $run))
        }
    }
    [PSCustomObject]@{
        runs = $runs.ToArray()
    }
}

function Get-EntraConnectConnectorList {
    <#
    .SYNOPSIS
    The connectors with their partitions and run profile names.
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param()
    $ErrorActionPreference = 'Stop'
    $WhatIfPreference = $false
    $null = Import-EntraConnectADSync
    $connectors = [System.Collections.Generic.List[object]]::new()
    foreach ($connector in @(Get-ADSyncConnector)) {
        $connectors.Add((ConvertTo-EntraConnectConnectorResult -Connector $connector))
    }
    [PSCustomObject]@{
        connectors = $connectors.ToArray()
    }
}

function Set-EntraConnectStagingMode {
    <#
    .SYNOPSIS
    Writes the global setting Microsoft.Synchronize.StagingMode.
    .PARAMETER Enabled
    $true writes 'True' (staging), $false writes 'False' (active).
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [bool]$Enabled
    )
    $ErrorActionPreference = 'Stop'
    $ConfirmPreference = 'None'
    $null = Import-EntraConnectADSync
    $settings = Get-ADSyncGlobalSettings
    $parameter = @($settings.Parameters | Where-Object -Property Name -EQ -Value 'Microsoft.Synchronize.StagingMode') | Select-Object -First 1
    if (-not $parameter) {
        throw 'The global settings of this server have no Microsoft.Synchronize.StagingMode parameter.'
    }
    $previous = [string]$parameter.Value
    $value = [string]$Enabled
    if ($PSCmdlet.ShouldProcess('Microsoft.Synchronize.StagingMode', "Set to $value")) {
        try {
            $parameter.Value = $value
            $null = Set-ADSyncGlobalSettings -GlobalSettings $settings
        }
        catch {
            throw (Get-EntraConnectWriteError -ErrorRecord $_ -Change 'Switching staging mode (Set-ADSyncGlobalSettings)')
        }
    }
    [PSCustomObject]@{
        previous_value = $previous
        value = $value
    }
}

function Enable-EntraConnectToolsStagingMode {
    <#
    .SYNOPSIS
    Runs the ADSyncTools Enable-ADSyncToolsStagingMode function (servers too old for the wizard).
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([PSCustomObject])]
    param()
    $ErrorActionPreference = 'Stop'
    $ConfirmPreference = 'None'
    $null = Import-EntraConnectADSync
    if ($PSCmdlet.ShouldProcess('staging mode', 'Enable-ADSyncToolsStagingMode')) {
        try {
            $null = Enable-ADSyncToolsStagingMode
        }
        catch {
            throw (Get-EntraConnectWriteError -ErrorRecord $_ -Change 'Enabling staging mode (Enable-ADSyncToolsStagingMode)')
        }
    }
    [PSCustomObject]@{
        command = 'Enable-ADSyncToolsStagingMode'
    }
}

function Disable-EntraConnectToolsStagingMode {
    <#
    .SYNOPSIS
    Runs the ADSyncTools Disable-ADSyncToolsStagingMode function (servers too old for the wizard).
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([PSCustomObject])]
    param()
    $ErrorActionPreference = 'Stop'
    $ConfirmPreference = 'None'
    $null = Import-EntraConnectADSync
    if ($PSCmdlet.ShouldProcess('staging mode', 'Disable-ADSyncToolsStagingMode')) {
        try {
            $null = Disable-ADSyncToolsStagingMode
        }
        catch {
            throw (Get-EntraConnectWriteError -ErrorRecord $_ -Change 'Disabling staging mode (Disable-ADSyncToolsStagingMode)')
        }
    }
    [PSCustomObject]@{
        command = 'Disable-ADSyncToolsStagingMode'
    }
}

function Start-EntraConnectSyncCycle {
    <#
    .SYNOPSIS
    Starts a scheduler sync cycle; it runs asynchronously.
    .PARAMETER PolicyType
    Delta or Initial.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [ValidateSet('Delta', 'Initial')]
        [string]$PolicyType
    )
    $ErrorActionPreference = 'Stop'
    $ConfirmPreference = 'None'
    $null = Import-EntraConnectADSync
    $result = 'WhatIf'
    if ($PSCmdlet.ShouldProcess('sync cycle', "Start $PolicyType")) {
        try {
            $result = [string](Start-ADSyncSyncCycle -PolicyType $PolicyType).Result
        }
        catch {
            throw (Get-EntraConnectWriteError -ErrorRecord $_ -Change 'Starting a sync cycle (Start-ADSyncSyncCycle)')
        }
    }
    [PSCustomObject]@{
        result = $result
    }
}

function Invoke-EntraConnectRunProfile {
    <#
    .SYNOPSIS
    Runs one run profile on one connector and returns when the connector completes.
    .PARAMETER ConnectorName
    The connector name as the Synchronization Service shows it.
    .PARAMETER RunProfileName
    The run profile name, for example 'Full Import' or 'Delta Synchronization'.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [string]$ConnectorName,
        [Parameter(Mandatory)]
        [string]$RunProfileName
    )
    $ErrorActionPreference = 'Stop'
    $ConfirmPreference = 'None'
    $null = Import-EntraConnectADSync
    if ($PSCmdlet.ShouldProcess($ConnectorName, $RunProfileName)) {
        try {
            $null = Invoke-ADSyncRunProfile -ConnectorName $ConnectorName -RunProfileName $RunProfileName
        }
        catch {
            throw (Get-EntraConnectWriteError -ErrorRecord $_ -Change 'Running a run profile (Invoke-ADSyncRunProfile)')
        }
    }
    [PSCustomObject]@{
        connector_name = $ConnectorName
        run_profile_name = $RunProfileName
    }
}

function Set-EntraConnectScheduler {
    <#
    .SYNOPSIS
    Sets the given settable scheduler fields, one Set-ADSyncScheduler call each.
    .PARAMETER SyncCycleEnabled
    Set-ADSyncScheduler -SyncCycleEnabled.
    .PARAMETER MaintenanceEnabled
    Set-ADSyncScheduler -MaintenanceEnabled.
    .PARAMETER NextSyncCyclePolicyType
    Set-ADSyncScheduler -NextSyncCyclePolicyType (Delta or Initial).
    .PARAMETER CustomizedSyncCycleIntervalSeconds
    Set-ADSyncScheduler -CustomizedSyncCycleInterval, in seconds.
    .PARAMETER PurgeRunHistoryIntervalSeconds
    Set-ADSyncScheduler -PurgeRunHistoryInterval, in seconds.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([PSCustomObject])]
    param(
        [bool]$SyncCycleEnabled,
        [bool]$MaintenanceEnabled,
        [ValidateSet('Delta', 'Initial')]
        [string]$NextSyncCyclePolicyType,
        [int]$CustomizedSyncCycleIntervalSeconds,
        [int]$PurgeRunHistoryIntervalSeconds
    )
    $ErrorActionPreference = 'Stop'
    $ConfirmPreference = 'None'
    $null = Import-EntraConnectADSync
    $fields = [System.Collections.Generic.List[string]]::new()
    if ($PSCmdlet.ShouldProcess('scheduler', 'Set-ADSyncScheduler')) {
        try {
            if ($PSBoundParameters.ContainsKey('SyncCycleEnabled')) {
                $null = Set-ADSyncScheduler -SyncCycleEnabled $SyncCycleEnabled
                $fields.Add('sync_cycle_enabled')
            }
            if ($PSBoundParameters.ContainsKey('MaintenanceEnabled')) {
                $null = Set-ADSyncScheduler -MaintenanceEnabled $MaintenanceEnabled
                $fields.Add('maintenance_enabled')
            }
            if ($PSBoundParameters.ContainsKey('NextSyncCyclePolicyType')) {
                $null = Set-ADSyncScheduler -NextSyncCyclePolicyType $NextSyncCyclePolicyType
                $fields.Add('next_sync_cycle_policy_type')
            }
            if ($PSBoundParameters.ContainsKey('CustomizedSyncCycleIntervalSeconds')) {
                $null = Set-ADSyncScheduler -CustomizedSyncCycleInterval ([TimeSpan]::FromSeconds($CustomizedSyncCycleIntervalSeconds))
                $fields.Add('customized_sync_cycle_interval_seconds')
            }
            if ($PSBoundParameters.ContainsKey('PurgeRunHistoryIntervalSeconds')) {
                $null = Set-ADSyncScheduler -PurgeRunHistoryInterval ([TimeSpan]::FromSeconds($PurgeRunHistoryIntervalSeconds))
                $fields.Add('purge_run_history_interval_seconds')
            }
        }
        catch {
            throw (Get-EntraConnectWriteError -ErrorRecord $_ -Change 'Changing the scheduler (Set-ADSyncScheduler)')
        }
    }
    [PSCustomObject]@{
        fields = $fields.ToArray()
    }
}

function Set-EntraConnectSchedulerConnectorOverride {
    <#
    .SYNOPSIS
    Sets the full import and full sync flags of one connector for the next sync cycle.
    .PARAMETER ConnectorName
    The connector name.
    .PARAMETER FullImportRequired
    Whether the next cycle runs a full import on this connector.
    .PARAMETER FullSyncRequired
    Whether the next cycle runs a full synchronization on this connector.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [string]$ConnectorName,
        [Parameter(Mandatory)]
        [bool]$FullImportRequired,
        [Parameter(Mandatory)]
        [bool]$FullSyncRequired
    )
    $ErrorActionPreference = 'Stop'
    $ConfirmPreference = 'None'
    $null = Import-EntraConnectADSync
    if ($PSCmdlet.ShouldProcess($ConnectorName, 'Set-ADSyncSchedulerConnectorOverride')) {
        try {
            $null = Set-ADSyncSchedulerConnectorOverride -ConnectorName $ConnectorName -FullImportRequired $FullImportRequired -FullSyncRequired $FullSyncRequired
        }
        catch {
            throw (Get-EntraConnectWriteError -ErrorRecord $_ -Change 'Changing a connector override (Set-ADSyncSchedulerConnectorOverride)')
        }
    }
    [PSCustomObject]@{
        connector_name = $ConnectorName
        full_import_required = $FullImportRequired
        full_sync_required = $FullSyncRequired
    }
}

function Set-EntraConnectAutoUpgrade {
    <#
    .SYNOPSIS
    Sets automatic upgrade to Enabled or Disabled.
    .PARAMETER State
    Enabled or Disabled (Suspended is set by the product only).
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [ValidateSet('Enabled', 'Disabled')]
        [string]$State
    )
    $ErrorActionPreference = 'Stop'
    $ConfirmPreference = 'None'
    $null = Import-EntraConnectADSync
    if ($PSCmdlet.ShouldProcess('automatic upgrade', $State)) {
        try {
            $null = Set-ADSyncAutoUpgrade -AutoUpgradeState $State
        }
        catch {
            throw (Get-EntraConnectWriteError -ErrorRecord $_ -Change 'Changing automatic upgrade (Set-ADSyncAutoUpgrade)')
        }
    }
    [PSCustomObject]@{
        state = $State
    }
}

function Export-EntraConnectServerConfiguration {
    <#
    .SYNOPSIS
    Exports the server configuration and the newest synchronization policy JSON files into a new
    temp folder, as one zip archive with its SHA-256.
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param()
    $ErrorActionPreference = 'Stop'
    $WhatIfPreference = $false
    $null = Import-EntraConnectADSync
    $stale = @(Remove-EntraConnectStaleTempFolder)
    $temp = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('EntraConnect-' + [guid]::NewGuid().ToString('N'))
    $content = Join-Path -Path $temp -ChildPath 'content'
    $archive = Join-Path -Path $temp -ChildPath 'settings.zip'
    try {
        $configuration = Join-Path -Path $content -ChildPath 'ServerConfiguration'
        $null = New-Item -ItemType Directory -Path $configuration
        Get-ADSyncServerConfiguration -Path $configuration
        $policyFolder = Join-Path -Path $env:ProgramData -ChildPath 'AADConnect'
        foreach ($pattern in @('Applied-SynchronizationPolicy-*.json', 'Exported-SynchronizationPolicy-*.json')) {
            if (-not (Test-Path -LiteralPath $policyFolder -PathType Container)) {
                continue
            }
            $newest = Get-ChildItem -LiteralPath $policyFolder -Filter $pattern -File |
                Sort-Object -Property LastWriteTimeUtc -Descending |
                Select-Object -First 1
            if ($newest) {
                Copy-Item -LiteralPath $newest.FullName -Destination $content
            }
        }
        $files = @(Get-ChildItem -LiteralPath $content -Recurse -File | ForEach-Object -Process { $_.FullName.Substring($content.Length + 1) })
        $sha256 = New-EntraConnectArchive -SourcePath $content -ArchivePath $archive
        $version = @((Get-ADSyncGlobalSettings).Parameters | Where-Object -Property Name -EQ -Value 'Microsoft.Synchronize.ServerConfigurationVersion') | Select-Object -First 1
        $versionValue = $null
        if ($version) {
            $versionValue = [string]$version.Value
        }
        [PSCustomObject]@{
            temp_path = $temp
            archive_path = $archive
            archive_sha256 = $sha256
            archive_size = [int64](Get-Item -LiteralPath $archive).Length
            files = $files
            removed_stale_temp = [string[]]$stale
            product_version = $versionValue
            staging_mode_enabled = [bool](Get-ADSyncScheduler).StagingModeEnabled
            exported_at = ConvertTo-EntraConnectUtcString -Value ([DateTime]::UtcNow)
        }
    }
    catch {
        Remove-Item -LiteralPath $temp -Recurse -Force -ErrorAction SilentlyContinue
        throw
    }
}

function Export-EntraConnectConnectorSpace {
    <#
    .SYNOPSIS
    Runs csexport.exe for one connector into a new temp folder, as one zip archive with its SHA-256.
    .PARAMETER ConnectorName
    The connector name as the Synchronization Service shows it.
    .PARAMETER Filter
    The csexport /f: filter letter: x (pending exports, documented), m, e, i or s.
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [string]$ConnectorName,
        [Parameter(Mandatory)]
        [ValidateSet('x', 'm', 'e', 'i', 's')]
        [string]$Filter
    )
    $ErrorActionPreference = 'Stop'
    $WhatIfPreference = $false
    $installPath = Import-EntraConnectADSync
    $csexport = Join-Path -Path $installPath -ChildPath 'Bin\csexport.exe'
    $stale = @(Remove-EntraConnectStaleTempFolder)
    $temp = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('EntraConnect-' + [guid]::NewGuid().ToString('N'))
    $content = Join-Path -Path $temp -ChildPath 'content'
    $archive = Join-Path -Path $temp -ChildPath 'csexport.zip'
    try {
        $null = New-Item -ItemType Directory -Path $content
        $xml = Join-Path -Path $content -ChildPath 'csexport.xml'
        # Windows PowerShell 5.1 turns a native program's stderr into error records, which
        # 'Stop' makes terminating before $LASTEXITCODE is read: capture them with the output.
        $ErrorActionPreference = 'Continue'
        $lines = & $csexport $ConnectorName $xml "/f:$Filter" 2>&1
        $exitCode = $LASTEXITCODE
        $ErrorActionPreference = 'Stop'
        $output = (@($lines) | ForEach-Object -Process {
                if ($_ -is [System.Management.Automation.ErrorRecord]) { [string]$_.Exception.Message } else { [string]$_ }
            }) -join "`n"
        if ($exitCode -ne 0 -or -not (Test-Path -LiteralPath $xml)) {
            throw "csexport.exe failed for connector '$ConnectorName' with exit code ${exitCode}: $output"
        }
        $sha256 = New-EntraConnectArchive -SourcePath $content -ArchivePath $archive
        [PSCustomObject]@{
            temp_path = $temp
            archive_path = $archive
            archive_sha256 = $sha256
            archive_size = [int64](Get-Item -LiteralPath $archive).Length
            files = @('csexport.xml')
            removed_stale_temp = [string[]]$stale
            output = $output
        }
    }
    catch {
        Remove-Item -LiteralPath $temp -Recurse -Force -ErrorAction SilentlyContinue
        throw
    }
}

function Remove-EntraConnectTempFolder {
    <#
    .SYNOPSIS
    Removes a temp folder created by an Export- helper; refuses any other path.
    .PARAMETER Path
    The temp_path an Export- helper returned.
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [string]$Path
    )
    $ErrorActionPreference = 'Stop'
    $WhatIfPreference = $false
    $full = [System.IO.Path]::GetFullPath($Path)
    $root = [System.IO.Path]::GetFullPath([System.IO.Path]::GetTempPath())
    $leaf = Split-Path -Path $full -Leaf
    if (-not $full.StartsWith($root, [System.StringComparison]::OrdinalIgnoreCase) -or -not $leaf.StartsWith('EntraConnect-')) {
        throw "Refusing to remove '$Path': not a temp folder created by an Export-EntraConnect helper."
    }
    $removed = $false
    if (Test-Path -LiteralPath $full) {
        Remove-Item -LiteralPath $full -Recurse -Force
        $removed = $true
    }
    [PSCustomObject]@{
        path = $full
        removed = $removed
    }
}

function Get-EntraConnectPrerequisites {
    <#
    .SYNOPSIS
    What Microsoft's installation prerequisites depend on: operating system, PowerShell, .NET
    Framework, TLS 1.2 registry values, domain membership, free disk and pending reboots.
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param()
    $ErrorActionPreference = 'Stop'
    $WhatIfPreference = $false
    $os = Get-CimInstance -ClassName Win32_OperatingSystem
    $computer = Get-CimInstance -ClassName Win32_ComputerSystem
    $currentVersion = Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
    $dotnet = Get-EntraConnectRegistryValues -SubKey 'SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full'
    $dotnetRelease = $null
    if ($dotnet -and $null -ne $dotnet.Release) {
        $dotnetRelease = [int]$dotnet.Release
    }
    $tls = [ordered]@{}
    $locations = [ordered]@{
        dotnet64 = 'SOFTWARE\Microsoft\.NETFramework\v4.0.30319'
        dotnet32 = 'SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319'
        schannel_server = 'SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server'
        schannel_client = 'SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client'
    }
    foreach ($location in $locations.GetEnumerator()) {
        $values = Get-EntraConnectRegistryValues -SubKey $location.Value
        foreach ($name in @('SystemDefaultTlsVersions', 'SchUseStrongCrypto', 'Enabled', 'DisabledByDefault')) {
            $value = $null
            if ($values -and $null -ne $values.$name) {
                $value = [int]$values.$name
            }
            $tls["$($location.Key)/$name"] = $value
        }
    }
    $reasons = [System.Collections.Generic.List[string]]::new()
    if (Test-Path -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending') {
        $reasons.Add('Component Based Servicing')
    }
    if (Test-Path -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired') {
        $reasons.Add('Windows Update')
    }
    $sessionManager = Get-EntraConnectRegistryValues -SubKey 'SYSTEM\CurrentControlSet\Control\Session Manager'
    if ($sessionManager -and $sessionManager.PendingFileRenameOperations) {
        $reasons.Add('Pending file rename operations')
    }
    $systemDrive = Get-CimInstance -ClassName Win32_LogicalDisk -Filter "DeviceID='$($env:SystemDrive)'"
    [PSCustomObject]@{
        os_caption = [string]$os.Caption
        os_build = [int]$os.BuildNumber
        installation_type = [string]$currentVersion.InstallationType
        powershell_version = [string]$PSVersionTable.PSVersion
        dotnet_release = $dotnetRelease
        tls12_registry = $tls
        domain_joined = [bool]$computer.PartOfDomain
        domain = [string]$computer.Domain
        system_drive_free_mb = [int64]($systemDrive.FreeSpace / 1048576)
        pending_reboot_reasons = $reasons.ToArray()
    }
}

function Get-EntraConnectFileHash {
    <#
    .SYNOPSIS
    Whether a file exists, and its SHA-256 and size.
    .PARAMETER Path
    The file.
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [string]$Path
    )
    $ErrorActionPreference = 'Stop'
    $WhatIfPreference = $false
    $exists = Test-Path -LiteralPath $Path -PathType Leaf
    $sha256 = $null
    $size = $null
    if ($exists) {
        $sha256 = (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant()
        $size = [int64](Get-Item -LiteralPath $Path).Length
    }
    [PSCustomObject]@{
        path = $Path
        exists = $exists
        sha256 = $sha256
        size = $size
    }
}

# ---------------------------------------------------------------------------------------------
# Sync rules (issue 17). The eight rule cmdlets declare SupportsShouldProcess but never call it:
# -WhatIf does not stop them (reference section 0). Python never calls a write helper below in
# check mode; the ShouldProcess calls here only honour an explicit -WhatIf of the dispatch.
# ---------------------------------------------------------------------------------------------

function ConvertTo-EntraConnectSyncRuleResult {
    <#
    .SYNOPSIS
    The rule fields of the contract from a Get-ADSyncRule object.
    .PARAMETER Rule
    One SynchronizationRule object.
    .PARAMETER ConnectorNames
    Lower-case connector GUID -> connector name, from Get-ADSyncConnector.
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [object]$Rule,
        [Parameter(Mandatory)]
        [hashtable]$ConnectorNames
    )
    $scopeGroups = [System.Collections.Generic.List[object]]::new()
    foreach ($group in @($Rule.ScopeFilter)) {
        if ($null -eq $group) {
            continue
        }
        $conditions = [System.Collections.Generic.List[object]]::new()
        foreach ($condition in @($group.ScopeConditionList)) {
            $conditions.Add([PSCustomObject]@{
                    attribute = [string]$condition.Attribute
                    operator = [string]$condition.ComparisonOperator
                    value = [string]$condition.ComparisonValue
                })
        }
        $scopeGroups.Add([PSCustomObject]@{
                conditions = $conditions.ToArray()
            })
    }
    $joinGroups = [System.Collections.Generic.List[object]]::new()
    foreach ($group in @($Rule.JoinFilter)) {
        if ($null -eq $group) {
            continue
        }
        $conditions = [System.Collections.Generic.List[object]]::new()
        foreach ($condition in @($group.JoinConditionList)) {
            $conditions.Add([PSCustomObject]@{
                    cs_attribute = [string]$condition.CSAttribute
                    mv_attribute = [string]$condition.MVAttribute
                    case_sensitive = [bool]$condition.CaseSensitive
                })
        }
        $joinGroups.Add([PSCustomObject]@{
                conditions = $conditions.ToArray()
            })
    }
    $flows = [System.Collections.Generic.List[object]]::new()
    foreach ($flow in @($Rule.AttributeFlowMappings)) {
        if ($null -eq $flow) {
            continue
        }
        $source = @(@($flow.Source) | Where-Object -FilterScript { $null -ne $_ } | ForEach-Object -Process { [string]$_ })
        $flows.Add([PSCustomObject]@{
                destination = [string]$flow.Destination
                flow_type = [string]$flow.FlowType
                source = $source
                expression = [string]$flow.Expression
                merge_type = [string]$flow.ValueMergeType
                execute_once = [bool]$flow.ExecuteOnce
            })
    }
    $connectorId = ([string]$Rule.Connector).ToLowerInvariant()
    $tag = $null
    if ($null -ne $Rule.ImmutableTag) {
        $tag = [string]$Rule.ImmutableTag.TagValue
    }
    [PSCustomObject]@{
        identifier = [string]$Rule.Identifier
        name = [string]$Rule.Name
        description = [string]$Rule.Description
        connector_id = $connectorId
        connector_name = $ConnectorNames[$connectorId]
        direction = [string]$Rule.Direction
        precedence = [int]$Rule.Precedence
        disabled = [bool]$Rule.Disabled
        immutable_tag = $tag
        is_standard_rule = [bool]$Rule.IsStandardRule
        source_object_type = [string]$Rule.SourceObjectType
        target_object_type = [string]$Rule.TargetObjectType
        link_type = [string]$Rule.LinkType
        soft_delete_expiry_seconds = [int64]$Rule.SoftDeleteExpiryInterval.TotalSeconds
        enable_password_sync = [bool]$Rule.EnablePasswordSync
        scope_groups = $scopeGroups.ToArray()
        join_groups = $joinGroups.ToArray()
        attribute_flows = $flows.ToArray()
    }
}

function Get-EntraConnectSyncRules {
    <#
    .SYNOPSIS
    Every sync rule, with condition groups and attribute flows, connectors resolved to names.
    .DESCRIPTION
    Get-ADSyncRule takes only -Identifier; without it, it returns every rule (reference section 0).
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param()
    $ErrorActionPreference = 'Stop'
    $WhatIfPreference = $false
    $null = Import-EntraConnectADSync
    $names = @{}
    foreach ($connector in @(Get-ADSyncConnector)) {
        $names[([string]$connector.Identifier).ToLowerInvariant()] = [string]$connector.Name
    }
    $rules = [System.Collections.Generic.List[object]]::new()
    foreach ($rule in @(Get-ADSyncRule)) {
        if ($null -ne $rule) {
            $rules.Add((ConvertTo-EntraConnectSyncRuleResult -Rule $rule -ConnectorNames $names))
        }
    }
    [PSCustomObject]@{
        rules = $rules.ToArray()
    }
}

function Set-EntraConnectSyncRule {
    <#
    .SYNOPSIS
    Creates or replaces one custom sync rule in the documented script shape.
    .DESCRIPTION
    New-ADSyncRule, then Add-ADSyncAttributeFlowMapping, Add-ADSyncScopeConditionGroup and
    Add-ADSyncJoinConditionGroup per flow and group (in memory), then Add-ADSyncRule, which writes
    the rule (an upsert by Identifier) and warns when it flags the connector for a full sync.
    .PARAMETER RuleJson
    The rule as JSON, field names of the collection's rules document; groups as {conditions: [...]}.
    .PARAMETER ConnectorId
    This server's GUID of the rule's connector.
    .PARAMETER Identifier
    The Identifier of the rule to replace; a new GUID when omitted.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [string]$RuleJson,
        [Parameter(Mandatory)]
        [string]$ConnectorId,
        [string]$Identifier
    )
    $ErrorActionPreference = 'Stop'
    $ConfirmPreference = 'None'
    $null = Import-EntraConnectADSync
    $rule = ConvertFrom-Json -InputObject $RuleJson
    $id = [Guid]::NewGuid()
    if ($Identifier) {
        $id = [Guid]$Identifier
    }
    $warnings = [System.Collections.Generic.List[string]]::new()
    if ($PSCmdlet.ShouldProcess([string]$rule.name, 'Add-ADSyncRule')) {
        $disabled = [bool]$rule.disabled
        $passwordSync = [bool]$rule.enable_password_sync
        $syncRule = New-ADSyncRule -Name ([string]$rule.name) -Identifier $id -Description ([string]$rule.description) -Direction ([string]$rule.direction) -Precedence ([int]$rule.precedence) -PrecedenceAfter ([Guid]::Empty) -PrecedenceBefore ([Guid]::Empty) -SourceObjectType ([string]$rule.source_object_type) -TargetObjectType ([string]$rule.target_object_type) -Connector ([Guid]$ConnectorId) -LinkType ([string]$rule.link_type) -SoftDeleteExpiryInterval ([TimeSpan]::FromSeconds([double]$rule.soft_delete_expiry_seconds)) -ImmutableTag '' -EnablePasswordSync:$passwordSync -Disabled:$disabled
        foreach ($flow in @($rule.attribute_flows)) {
            if ($null -eq $flow) {
                continue
            }
            $executeOnce = [bool]$flow.execute_once
            if ([string]$flow.flow_type -eq 'Expression') {
                $syncRule = Add-ADSyncAttributeFlowMapping -SynchronizationRule $syncRule -Destination ([string]$flow.destination) -FlowType 'Expression' -ValueMergeType ([string]$flow.merge_type) -Expression ([string]$flow.expression) -ExecuteOnce:$executeOnce
            }
            else {
                $source = [System.Collections.Generic.List[string]]::new()
                foreach ($item in @($flow.source)) {
                    if ($null -ne $item) {
                        $source.Add([string]$item)
                    }
                }
                $syncRule = Add-ADSyncAttributeFlowMapping -SynchronizationRule $syncRule -Source $source -Destination ([string]$flow.destination) -FlowType ([string]$flow.flow_type) -ValueMergeType ([string]$flow.merge_type) -ExecuteOnce:$executeOnce
            }
        }
        foreach ($group in @($rule.scope_groups)) {
            if ($null -eq $group) {
                continue
            }
            $conditions = @(foreach ($item in @($group.conditions)) {
                    New-Object -TypeName 'Microsoft.IdentityManagement.PowerShell.ObjectModel.ScopeCondition' -ArgumentList ([string]$item.attribute), ([string]$item.value), ([string]$item.operator)
                })
            $syncRule = Add-ADSyncScopeConditionGroup -SynchronizationRule $syncRule -ScopeConditions $conditions
        }
        foreach ($group in @($rule.join_groups)) {
            if ($null -eq $group) {
                continue
            }
            $conditions = @(foreach ($item in @($group.conditions)) {
                    New-Object -TypeName 'Microsoft.IdentityManagement.PowerShell.ObjectModel.JoinCondition' -ArgumentList ([string]$item.cs_attribute), ([string]$item.mv_attribute), ([bool]$item.case_sensitive)
                })
            $syncRule = Add-ADSyncJoinConditionGroup -SynchronizationRule $syncRule -JoinConditions $conditions
        }
        try {
            $null = Add-ADSyncRule -SynchronizationRule $syncRule -WarningVariable ruleWarnings -WarningAction SilentlyContinue
        }
        catch {
            throw ("Add-ADSyncRule failed for rule '{0}': {1} If the server asked for an interactive admin sign-in (PowerShell configuration changes may prompt since May 2026), make the change in the Synchronization Rules Editor." -f $rule.name, $_.Exception.Message)
        }
        foreach ($warning in @($ruleWarnings)) {
            if ($null -ne $warning) {
                $warnings.Add([string]$warning)
            }
        }
    }
    [PSCustomObject]@{
        identifier = [string]$id
        name = [string]$rule.name
        connector_id = $ConnectorId
        warnings = $warnings.ToArray()
    }
}

function Set-EntraConnectSyncRuleState {
    <#
    .SYNOPSIS
    Sets Disabled and/or Precedence of one existing rule: Get-ADSyncRule -Identifier, set, Add-ADSyncRule.
    .PARAMETER Identifier
    The rule's Identifier.
    .PARAMETER Disabled
    The new Disabled value (standard or custom rules).
    .PARAMETER Precedence
    The new Precedence (custom rules only; the caller checks the reserved range).
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [string]$Identifier,
        [bool]$Disabled,
        [int]$Precedence
    )
    $ErrorActionPreference = 'Stop'
    $ConfirmPreference = 'None'
    $null = Import-EntraConnectADSync
    $syncRule = Get-ADSyncRule -Identifier ([Guid]$Identifier)
    if ($null -eq $syncRule) {
        throw "No sync rule with Identifier $Identifier on this server; read the rules again."
    }
    $warnings = [System.Collections.Generic.List[string]]::new()
    if ($PSCmdlet.ShouldProcess([string]$syncRule.Name, 'Add-ADSyncRule')) {
        if ($PSBoundParameters.ContainsKey('Disabled')) {
            $syncRule.Disabled = $Disabled
        }
        if ($PSBoundParameters.ContainsKey('Precedence')) {
            $syncRule.Precedence = $Precedence
        }
        try {
            $null = Add-ADSyncRule -SynchronizationRule $syncRule -WarningVariable ruleWarnings -WarningAction SilentlyContinue
        }
        catch {
            throw ("Add-ADSyncRule failed for rule '{0}': {1} If the server asked for an interactive admin sign-in (PowerShell configuration changes may prompt since May 2026), make the change in the Synchronization Rules Editor." -f $syncRule.Name, $_.Exception.Message)
        }
        foreach ($warning in @($ruleWarnings)) {
            if ($null -ne $warning) {
                $warnings.Add([string]$warning)
            }
        }
    }
    [PSCustomObject]@{
        identifier = [string]$syncRule.Identifier
        name = [string]$syncRule.Name
        disabled = [bool]$syncRule.Disabled
        precedence = [int]$syncRule.Precedence
        warnings = $warnings.ToArray()
    }
}

function Remove-EntraConnectSyncRule {
    <#
    .SYNOPSIS
    Removes one custom sync rule by its Identifier.
    .PARAMETER Identifier
    The rule's Identifier.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [string]$Identifier
    )
    $ErrorActionPreference = 'Stop'
    $ConfirmPreference = 'None'
    $null = Import-EntraConnectADSync
    $removed = $false
    if ($PSCmdlet.ShouldProcess($Identifier, 'Remove-ADSyncRule')) {
        Remove-ADSyncRule -Identifier ([Guid]$Identifier)
        $removed = $true
    }
    [PSCustomObject]@{
        identifier = $Identifier
        removed = $removed
    }
}

function Get-EntraConnectRecordPath {
    <#
    .SYNOPSIS
    The file of one of the collection's records: C:\ProgramData\hybrid_identity.entra_connect\<Name>.json.
    .PARAMETER Name
    The record name (lower-case letters, digits and '_').
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [ValidatePattern('^[a-z][a-z0-9_]{0,31}$')]
        [string]$Name
    )
    $ErrorActionPreference = 'Stop'
    $folder = Join-Path -Path $env:ProgramData -ChildPath 'hybrid_identity.entra_connect'
    Join-Path -Path $folder -ChildPath "$Name.json"
}

function Lock-EntraConnectRecord {
    <#
    .SYNOPSIS
    Opens <record>.lock exclusively (no sharing) and returns the stream; closing it releases the lock.
    Retries for up to 30 seconds while another run holds it.
    .PARAMETER Path
    The record file.
    #>
    [CmdletBinding()]
    [OutputType([System.IO.FileStream])]
    param(
        [Parameter(Mandatory)]
        [string]$Path
    )
    $ErrorActionPreference = 'Stop'
    $folder = Split-Path -Path $Path -Parent
    if (-not (Test-Path -LiteralPath $folder -PathType Container)) {
        $null = New-Item -Path $folder -ItemType Directory -Force
    }
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($true) {
        try {
            return [System.IO.File]::Open("$Path.lock", [System.IO.FileMode]::OpenOrCreate, [System.IO.FileAccess]::ReadWrite, [System.IO.FileShare]::None)
        }
        catch [System.IO.IOException] {
            if ([DateTime]::UtcNow -gt $deadline) {
                throw "The record $Path is locked by another run for more than 30 seconds."
            }
            Start-Sleep -Milliseconds 200
        }
    }
}

function Get-EntraConnectRecord {
    <#
    .SYNOPSIS
    Reads one of the collection's records: the text of its file, or none.
    .PARAMETER Name
    The record name (lower-case letters, digits and '_').
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [string]$Name
    )
    $ErrorActionPreference = 'Stop'
    $WhatIfPreference = $false
    $path = Get-EntraConnectRecordPath -Name $Name
    $content = $null
    $exists = Test-Path -LiteralPath $path -PathType Leaf
    if ($exists) {
        $content = [System.IO.File]::ReadAllText($path, [System.Text.Encoding]::UTF8)
    }
    [PSCustomObject]@{
        path = $path
        exists = $exists
        content = $content
    }
}

function Set-EntraConnectRecord {
    <#
    .SYNOPSIS
    Compare-and-swap of one record: writes Content only when the file holds exactly ExpectedContent
    (empty: no file), under an exclusive lock; returns the text the file holds afterwards.
    .PARAMETER Name
    The record name (lower-case letters, digits and '_').
    .PARAMETER Content
    The new text (JSON the controller built).
    .PARAMETER ExpectedContent
    The text the caller read; empty when it read no record.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [string]$Name,
        [Parameter(Mandatory)]
        [string]$Content,
        [Parameter()]
        [AllowEmptyString()]
        [string]$ExpectedContent = ''
    )
    $ErrorActionPreference = 'Stop'
    $ConfirmPreference = 'None'
    $path = Get-EntraConnectRecordPath -Name $Name
    $written = $false
    $lock = Lock-EntraConnectRecord -Path $path
    try {
        $current = ''
        if (Test-Path -LiteralPath $path -PathType Leaf) {
            $current = [System.IO.File]::ReadAllText($path, [System.Text.Encoding]::UTF8)
        }
        if ($current -ceq $ExpectedContent -and $PSCmdlet.ShouldProcess($path, 'Write the record')) {
            $temp = "$path.tmp"
            [System.IO.File]::WriteAllText($temp, $Content, (New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false))
            if (Test-Path -LiteralPath $path -PathType Leaf) {
                [System.IO.File]::Replace($temp, $path, $null)
            }
            else {
                [System.IO.File]::Move($temp, $path)
            }
            $written = $true
            $current = $Content
        }
    }
    finally {
        $lock.Dispose()
    }
    if ($current -eq '') {
        $current = $null
    }
    [PSCustomObject]@{
        path = $path
        written = $written
        content = $current
    }
}

function Remove-EntraConnectRecord {
    <#
    .SYNOPSIS
    Removes one record, only when its file holds exactly ExpectedContent (same lock as Set-EntraConnectRecord).
    .PARAMETER Name
    The record name (lower-case letters, digits and '_').
    .PARAMETER ExpectedContent
    The text the caller wrote or read.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [string]$Name,
        [Parameter(Mandatory)]
        [string]$ExpectedContent
    )
    $ErrorActionPreference = 'Stop'
    $ConfirmPreference = 'None'
    $path = Get-EntraConnectRecordPath -Name $Name
    $removed = $false
    $current = $null
    $lock = Lock-EntraConnectRecord -Path $path
    try {
        if (Test-Path -LiteralPath $path -PathType Leaf) {
            $current = [System.IO.File]::ReadAllText($path, [System.Text.Encoding]::UTF8)
            if ($current -ceq $ExpectedContent -and $PSCmdlet.ShouldProcess($path, 'Remove the record')) {
                Remove-Item -LiteralPath $path -Force
                $removed = $true
                $current = $null
            }
        }
    }
    finally {
        $lock.Dispose()
    }
    [PSCustomObject]@{
        path = $path
        removed = $removed
        content = $current
    }
}
