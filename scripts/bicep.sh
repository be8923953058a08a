#!/usr/bin/env bash
# Purpose: run the pinned Bicep CLI. The official CLI ships on NuGet (Azure.Bicep.CommandLine.<rid>); when it is
# missing it is restored once into the git-ignored .tools/bicep/ with the .NET SDK, so a fresh clone (CI included)
# needs nothing but `dotnet` and NuGet. Usage: scripts/bicep.sh <bicep arguments...>; --print-path prints the binary.
set -euo pipefail

BICEP_VERSION=0.49.2

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/bicep"

case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) rid=linux-x64 ;;
    Linux-aarch64 | Linux-arm64) rid=linux-arm64 ;;
    Darwin-x86_64) rid=osx-x64 ;;
    Darwin-arm64) rid=osx-arm64 ;;
    *)
        echo "bicep.sh: no Bicep CLI package for $(uname -s)-$(uname -m); install Bicep $BICEP_VERSION by hand" >&2
        exit 2
        ;;
esac
package="azure.bicep.commandline.$rid"
exe="$tools/packages/$package/$BICEP_VERSION/tools/bicep"

restore() {
    if ! command -v dotnet >/dev/null 2>&1; then
        echo "bicep.sh: the .NET SDK (dotnet) is needed once to restore Bicep $BICEP_VERSION from NuGet" >&2
        exit 2
    fi
    local major project="$tools/restore/restore.csproj"
    major="$(dotnet --version | cut -d. -f1)"
    mkdir -p "$tools/restore"
    # A throwaway project whose only job is to download the package; it builds nothing.
    cat >"$project" <<CSPROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net$major.0</TargetFramework>
    <DisableImplicitFrameworkReferences>true</DisableImplicitFrameworkReferences>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Azure.Bicep.CommandLine.$rid" Version="[$BICEP_VERSION]" />
  </ItemGroup>
</Project>
CSPROJ
    echo "bicep.sh: restoring Azure.Bicep.CommandLine.$rid $BICEP_VERSION from NuGet into .tools/bicep/" >&2
    DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
        dotnet restore "$project" --packages "$tools/packages" --verbosity quiet >&2
    # The extracted CLI is all we run; the package archive would only double the folder's size.
    rm -f "$tools/packages/$package/$BICEP_VERSION"/*.nupkg
    chmod +x "$exe"
}

if [ ! -x "$exe" ]; then
    mkdir -p "$tools"
    # Parallel test workers may all find the CLI missing on a fresh machine: one restores, the others wait.
    exec 9>"$tools/.restore.lock"
    flock 9
    [ -x "$exe" ] || restore
    flock -u 9
    exec 9>&-
fi

if [ "${1:-}" = "--print-path" ]; then
    echo "$exe"
    exit 0
fi
exec "$exe" "$@"
