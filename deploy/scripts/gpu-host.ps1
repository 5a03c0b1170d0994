<#
.SYNOPSIS
  Windows operators' version of gpu-host.sh: start/stop the tagged EC2 GPU host and open the SSH tunnel.
.DESCRIPTION
  Finds the instance by tags application=vllm-serving and environment=<Environment> (no instance ids).
  up:     start it if stopped, wait until running and SSH answers, open the tunnel (tunnel.ps1) in the background
          and check /health and /v1/models through it.
  down:   close the tunnel this script opened, stop the instance (wait until stopped unless -NoWait).
  status: instance state and address, and whether the tunnel answers.
  -DryRun runs only the read-only describe call and prints every call that would change something.
  IAM: ec2:DescribeInstances, ec2:StartInstances, ec2:StopInstances.
.EXAMPLE
  .\deploy\scripts\gpu-host.ps1 up -Environment dev
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true, Position = 0)][ValidateSet('up', 'down', 'status')][string]$Command,
    [ValidatePattern('^[A-Za-z0-9_.-]+$')][string]$Environment = 'dev',
    [string]$Region = $(if ($env:AWS_REGION) { $env:AWS_REGION } elseif ($env:AWS_DEFAULT_REGION) { $env:AWS_DEFAULT_REGION } else { 'ap-northeast-1' }),
    [string]$HostAddress = '',
    [string]$User = $(if ($env:GPU_USER) { $env:GPU_USER } else { 'ubuntu' }),
    [string]$Key = $(if ($env:GPU_SSH_KEY) { $env:GPU_SSH_KEY } else { Join-Path $HOME '.ssh/id_ed25519_vllm' }),
    [int]$LocalPort = $(if ($env:TUNNEL_LOCAL_PORT) { [int]$env:TUNNEL_LOCAL_PORT } else { 8000 }),
    [int]$RemotePort = $(if ($env:TUNNEL_REMOTE_PORT) { [int]$env:TUNNEL_REMOTE_PORT } else { 8000 }),
    [int]$SshWaitSeconds = $(if ($env:GPU_SSH_WAIT_S) { [int]$env:GPU_SSH_WAIT_S } else { 300 }),
    [switch]$DryRun,
    [switch]$NoTunnel,
    [switch]$NoWait
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$application = if ($env:GPU_HOST_TAG_APPLICATION) { $env:GPU_HOST_TAG_APPLICATION } else { 'vllm-serving' }
$stateDir = if ($env:GPU_HOST_STATE_DIR) { $env:GPU_HOST_STATE_DIR }
            elseif ($env:LOCALAPPDATA) { Join-Path $env:LOCALAPPDATA 'gateway' }
            else { Join-Path $HOME '.local/state/gateway' }
$pidFile = Join-Path $stateDir "tunnel-$Environment.pid"
$logFile = Join-Path $stateDir "tunnel-$Environment.log"

# The aws CLI from PATH, else its default Windows install path.
$aws = (Get-Command aws -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source)
if (-not $aws) { $aws = 'C:\Program Files\Amazon\AWSCLIV2\aws.exe' }

function Say([string]$Message) { [Console]::Error.WriteLine("gpu-host: $Message") }

function Invoke-AwsRead([string[]]$Arguments) {
    $output = & $aws --region $Region @Arguments
    if ($LASTEXITCODE -ne 0) { throw "aws $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
    return $output
}

function Invoke-AwsChange([string[]]$Arguments) {
    if ($DryRun) { Say "would run: aws --region $Region $($Arguments -join ' ')"; return }
    & $aws --region $Region @Arguments | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "aws $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Find-Instance {
    $rows = @(Invoke-AwsRead @('ec2', 'describe-instances',
            '--filters', "Name=tag:application,Values=$application", "Name=tag:environment,Values=$Environment",
            'Name=instance-state-name,Values=pending,running,stopping,stopped',
            '--query', 'Reservations[].Instances[].[InstanceId,State.Name,PublicIpAddress,PrivateIpAddress]',
            '--output', 'text') | Where-Object { $_ -match '^i-' })
    if ($rows.Count -eq 0) { Say "no instance tagged application=$application environment=$Environment in $Region"; exit 3 }
    if ($rows.Count -gt 1) { Say "$($rows.Count) instances tagged application=$application environment=$Environment in $Region; expected one"; exit 3 }
    $f = $rows[0] -split '\s+'
    $address = $HostAddress
    if (-not $address -and $f.Count -gt 2 -and $f[2] -ne 'None') { $address = $f[2] }
    elseif (-not $address -and $f.Count -gt 3 -and $f[3] -ne 'None') { $address = $f[3] }
    $instance = [pscustomobject]@{ Id = $f[0]; State = $f[1]; Address = $address }
    Say "instance $($instance.Id) is $($instance.State)$(if ($address) { " at $address" })"
    return $instance
}

function Get-TunnelProcess {
    if (-not (Test-Path $pidFile)) { return $null }
    $id = 0
    if (-not [int]::TryParse((Get-Content $pidFile -Raw).Trim(), [ref]$id)) { return $null }
    # Only the ssh process this script started (its pid is in the pid file).
    $process = Get-Process -Id $id -ErrorAction SilentlyContinue
    if ($process -and $process.ProcessName -like 'ssh*') { return $process }
    return $null
}

function Test-Tunnel {
    $base = "http://127.0.0.1:$LocalPort"
    $headers = @{}
    $token = if ($env:OPENAI_API_KEY) { $env:OPENAI_API_KEY } else { $env:BEARER_TOKEN }
    if ($token) { $headers['Authorization'] = "Bearer $token" }
    try {
        Invoke-WebRequest -Uri "$base/health" -TimeoutSec 5 -UseBasicParsing | Out-Null
        $models = Invoke-WebRequest -Uri "$base/v1/models" -Headers $headers -TimeoutSec 10 -UseBasicParsing
        if ($models.Content -notmatch '"id"') { return $false }
        return $true
    }
    catch { return $false }
}

function Get-SshArguments {
    $a = @('-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new')
    if (Test-Path $Key) { $a += @('-i', $Key, '-o', 'IdentitiesOnly=yes') }
    return $a
}

switch ($Command) {
    'up' {
        $instance = Find-Instance
        if ($instance.State -eq 'stopping') { Invoke-AwsChange @('ec2', 'wait', 'instance-stopped', '--instance-ids', $instance.Id) }
        if ($instance.State -in @('stopping', 'stopped')) { Invoke-AwsChange @('ec2', 'start-instances', '--instance-ids', $instance.Id) }
        if ($instance.State -ne 'running') {
            Invoke-AwsChange @('ec2', 'wait', 'instance-running', '--instance-ids', $instance.Id)
            if (-not $DryRun) { $instance = Find-Instance }
        }
        if ($NoTunnel) { Say '-NoTunnel: not opening the tunnel'; exit 0 }
        if (-not $instance.Address) { Say "instance $($instance.Id) has no address; pass -HostAddress"; exit 4 }
        $sshBase = Get-SshArguments
        $probe = $sshBase + @('-o', 'ConnectTimeout=5', "$User@$($instance.Address)", 'true')
        $tunnel = $sshBase + @('-N', '-o', 'ExitOnForwardFailure=yes', '-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=3',
            '-L', "127.0.0.1:${LocalPort}:127.0.0.1:$RemotePort", "$User@$($instance.Address)")
        if ($DryRun) {
            Say "would run until it succeeds (at most ${SshWaitSeconds}s): ssh $($probe -join ' ')"
            Say "would run in the background: ssh $($tunnel -join ' ')"
            exit 0
        }
        $deadline = (Get-Date).AddSeconds($SshWaitSeconds)
        while ($true) {
            & ssh @probe 2>$null
            if ($LASTEXITCODE -eq 0) { break }
            if ((Get-Date) -ge $deadline) { Say "SSH to $User@$($instance.Address) does not answer after ${SshWaitSeconds}s"; exit 4 }
            Start-Sleep -Seconds 5
        }
        Say "SSH answers on $User@$($instance.Address)"
        if (Get-TunnelProcess) { Say 'a tunnel is already running' }
        else {
            New-Item -ItemType Directory -Force -Path $stateDir | Out-Null
            # Start-Process joins arguments with spaces: quote the ones that contain spaces (a key under C:\Users\First Last).
            $quoted = $tunnel | ForEach-Object { if ($_ -match '\s') { '"' + $_ + '"' } else { $_ } }
            $process = Start-Process -FilePath 'ssh' -ArgumentList $quoted -PassThru -RedirectStandardError $logFile -RedirectStandardOutput "$logFile.out"
            Set-Content -Path $pidFile -Value $process.Id
            Say "tunnel started (pid $($process.Id), log $logFile); it does not reconnect: run 'up' again after a drop, or use tunnel.sh"
        }
        while (-not (Test-Tunnel)) {
            if ((Get-Date) -ge $deadline.AddSeconds($SshWaitSeconds)) { Say "the tunnel does not answer yet; see $logFile"; exit 5 }
            Start-Sleep -Seconds 5
        }
        Write-Output "`$env:OPENAI_BASE_URL = 'http://127.0.0.1:$LocalPort/v1'"
    }
    'down' {
        $process = Get-TunnelProcess
        if ($process) {
            if ($DryRun) { Say "would stop the tunnel (pid $($process.Id))" }
            else { Stop-Process -Id $process.Id; Remove-Item -Force $pidFile; Say "closed the tunnel (pid $($process.Id))" }
        }
        else { Say 'no tunnel opened by this script is running' }
        $instance = Find-Instance
        if ($instance.State -eq 'stopped') { Say 'already stopped'; exit 0 }
        Invoke-AwsChange @('ec2', 'stop-instances', '--instance-ids', $instance.Id)
        if (-not $NoWait) { Invoke-AwsChange @('ec2', 'wait', 'instance-stopped', '--instance-ids', $instance.Id) }
    }
    'status' {
        $instance = Find-Instance
        Write-Output "instance=$($instance.Id) state=$($instance.State) address=$(if ($instance.Address) { $instance.Address } else { 'none' }) region=$Region env=$Environment"
        $process = Get-TunnelProcess
        if ($process) { Write-Output "tunnel=running pid=$($process.Id) answers=$(Test-Tunnel)" } else { Write-Output 'tunnel=none' }
    }
}
