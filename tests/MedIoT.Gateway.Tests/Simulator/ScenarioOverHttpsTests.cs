using System.Globalization;
using MedIoT.FirmwareSim;
using MedIoT.FirmwareSim.Scenarios;
using MedIoT.Gateway.Tests.Integration.Alerts;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Simulator;

/// <summary>
/// <c>mediot-sim scenario --gateway-certificate</c> against a real gateway serving HTTPS with a self-signed certificate
/// (as the demo runs it): the pinned certificate carries the scenario's staff entry; a different certificate is refused
/// before anything is sent, with a message naming both certificates.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ScenarioOverHttpsTests(AlertWardFixture ward) : IClassFixture<AlertWardFixture>
{
    private const string DeviceId = "sim-7a-01-spo2";

    [Fact]
    public async Task Staff_entries_reach_an_https_gateway_through_its_pinned_certificate_and_no_other()
    {
        using var served = TestCertificate.Create(TimeProvider.System);
        using var other = TestCertificate.Create(TimeProvider.System);
        using var folder = TemporaryDirectory.Create("sim-https");
        var scenarioPath = folder.Combine("staff-only.json");
        await File.WriteAllTextAsync(scenarioPath, $$"""
            { "name": "staff-over-https", "description": "One staff entry and two seconds of saturation.", "ward": "7A", "bed": "01",
              "durationSeconds": 2,
              "staff": [ { "atSecond": 0, "staffId": "nurse.jones", "consciousness": "NewConfusion" } ],
              "tracks": [ { "deviceId": "{{DeviceId}}", "mdcCode": 150456, "intervalSeconds": 1, "decimals": 0, "points": [ [0, 97], [2, 97] ] } ],
              "deviceStatus": [], "silences": [], "expectedAlarms": [] }
            """);
        var tokenFile = folder.Combine("nurse.token");
        OwnerOnlyTextFile.Write(tokenFile, ward.Staff.Token("nurse.jones") + "\n");
        await using var gateway = await ward.StartGatewayAsync(
            new Dictionary<string, string>
            {
                ["Gateway:Http:Url"] = "https://127.0.0.1:0",
                ["Gateway:Http:CertificatePath"] = served.CertificatePath,
                ["Gateway:Http:CertificateKeyPath"] = served.KeyPath,
            },
            devices: [DeviceId]);
        var address = gateway.Http.BaseAddress!;
        Assert.Equal("https", address.Scheme);

        // The fixture's folder is a ward folder: devices.json and keys/ with each device's key and broker password.
        int Play(string certificate) => SimulatorCommands.Create().Parse(
        [
            "scenario", scenarioPath, "--ward-folder", ward.Folder, "--port", ward.Mosquitto.Port.ToString(CultureInfo.InvariantCulture),
            "--gateway-url", address.ToString(), "--gateway-token-file", tokenFile, "--gateway-certificate", certificate, "--speed", "100",
        ]).Invoke();

        Assert.Equal(1, Play(other.CertificatePath));
        Assert.Equal(0, Play(served.CertificatePath));

        // The same refusal, as the command prints it: both certificates named by their fingerprints.
        Assert.True(GatewayCertificatePin.TryLoad(other.CertificatePath, out var pin, out var problem), problem);
        using (pin)
        {
            using var client = new HttpClient(pin.CreateHandler(), disposeHandler: true) { BaseAddress = address };
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/health"));
            Assert.Contains("not the one of --gateway-certificate", pin.Refusal, StringComparison.Ordinal);
            Assert.Contains(served.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), pin.Refusal, StringComparison.Ordinal);
            Assert.Contains(other.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), pin.Refusal, StringComparison.Ordinal);
        }

        Assert.True(GatewayCertificatePin.TryLoad(served.CertificatePath, out var right, out problem), problem);
        using (right)
        {
            using var client = new HttpClient(right.CreateHandler(), disposeHandler: true) { BaseAddress = address };
            client.DefaultRequestHeaders.Authorization = ward.Staff.Bearer(StaffAccounts.Monitor);

            // The one accepted staff entry is the nurse's: NEWS2's consciousness now comes from her.
            var news2 = await client.GetStringAsync("/beds/7A/01/news2");
            Assert.Contains("nurse.jones", news2, StringComparison.Ordinal);
            Assert.Null(right.Refusal);
        }

        gateway.Logs.AssertNoErrors();
    }
}
