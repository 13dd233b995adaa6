using System.Text.Json;

namespace MedIoT.Release.Tests.Packages;

/// <summary>What configs/release.sh promises each package holds: its applications, commands, settings and unit.</summary>
/// <param name="Name">The package, such as <c>mediot-gateway</c>.</param>
/// <param name="Applications">The self-contained applications under <c>/usr/lib/mediot/</c>, each with its executable's file name.</param>
/// <param name="Conffiles">The settings under <c>/etc/mediot/</c> the package ships as conffiles.</param>
/// <param name="Service">The systemd service (<c>gateway</c> for <c>mediot-gateway.service</c>), or null for the tools.</param>
public sealed record ReleasePackage(string Name, IReadOnlyDictionary<string, string> Applications, IReadOnlyList<string> Conffiles, string? Service)
{
    public override string ToString() => Name;
}

/// <summary>The four packages of the release, the architecture the suite builds them for (configs/test.sh) and where state goes.</summary>
public static class ReleasePackages
{
    /// <summary>The Debian architecture of the packages the test suite builds (configs/release.sh --arch arm64).</summary>
    public const string Architecture = "arm64";

    public static readonly ReleasePackage Gateway = new("mediot-gateway", new Dictionary<string, string> { ["gateway"] = "MedIoT.Gateway" },
        ["/etc/mediot/alert-rules.json", "/etc/mediot/gateway.json"], "gateway");

    public static readonly ReleasePackage Ledger = new("mediot-ledger", new Dictionary<string, string> { ["ledger"] = "mediot-ledger" },
        ["/etc/mediot/ledger.json"], "ledger");

    public static readonly ReleasePackage Witness = new("mediot-witness", new Dictionary<string, string> { ["witness"] = "mediot-witness" },
        ["/etc/mediot/witness.json"], "witness");

    public static readonly ReleasePackage Tools = new("mediot-tools",
        new Dictionary<string, string> { ["sim"] = "mediot-sim", ["verify"] = "mediot-verify" }, [], null);

    public static TheoryData<ReleasePackage> All => [Gateway, Ledger, Witness, Tools];

    public static TheoryData<ReleasePackage> Services => [Gateway, Ledger, Witness];

    /// <summary>The settings of each service that name state, which the packaged settings must put under <c>/var/lib/mediot/&lt;service&gt;/</c>.</summary>
    public static IReadOnlyList<string> StateSettings(string service) => service switch
    {
        "gateway" =>
        [
            "Gateway:Journal:Folder", "Gateway:Identity:KeyFile", "Gateway:Access:KeysFolder", "Gateway:Alerts:OutboxFolder",
            "Gateway:Serial:StateFolder", "Gateway:Attached:StateFolder",
        ],
        "ledger" => ["Ledger:KeyFile", "Ledger:Storage:SqlitePath"],
        "witness" => ["Witness:KeyFile", "Witness:StateFolder", "Witness:EvidenceFolder"],
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Not a MedIoT service."),
    };

    /// <summary>The string value of <paramref name="setting"/> (<c>Gateway:Journal:Folder</c>) in a settings file.</summary>
    public static string Setting(JsonDocument settings, string setting) =>
        setting.Split(':').Aggregate(settings.RootElement, (element, name) => element.GetProperty(name)).GetString()
        ?? throw new InvalidDataException($"{setting} is not a string");
}
