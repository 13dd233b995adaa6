using System.Text;
using MedIoT.Cryptography;
using MedIoT.Ledger.Bundles;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Entries;
using MedIoT.Ledger.Storage;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Testing;

namespace MedIoT.Ledger.Tests.Bundles;

/// <summary>
/// A log of 8 entries with a signed checkpoint, and the public key files a verifier gets: entry 0 and 3..7 are frames
/// signed by their device, entry 1 is gateway-attested, entry 2 claims sequence 43 for a frame signed as sequence 42.
/// </summary>
public sealed class BundleFixture : IDisposable
{
    public const string Origin = "mediot.example/ward7/gw1";
    public const string DeviceId = "ward7a-bed01-spo2";
    public const string ForeignOrigin = "mediot.example/ward9/gw4";

    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("bundle");

    public BundleFixture()
    {
        using var logKey = Ed25519PrivateKey.Generate();
        using var deviceKey = Ed25519PrivateKey.Generate();
        using var otherKey = Ed25519PrivateKey.Generate();
        using var log = MerkleLog.Open(_folder.Combine("log"));
        var entries = new List<ReadOnlyMemory<byte>>();
        for (var i = 0; i < 8; i++)
        {
            var frame = new DeviceFrame(DeviceId, i == 2 ? 42 : i, [new Observation(MdcCodes.OxygenSaturation, 97, "%", 1_795_266_000_000_000_000 + i)]);
            var entry = i == 1
                ? new LedgerEntry("serial-monitor-3", 7, "02/22/16 22:47:45 SN=0000056661 SPO2=098%"u8, EntryAttestation.GatewayAttested, 1_795_266_000_500_000_000)
                : new LedgerEntry(DeviceId, i == 2 ? 43 : i, JwsFrameEncoder.Encode(frame, deviceKey), EntryAttestation.DeviceSigned, 1_795_266_000_100_000_000 + i);
            entries.Add(entry.Encode());
        }

        log.AppendBatch(entries);
        var signer = CheckpointSigner.Open(Origin, logKey, _folder.Combine("checkpoint.note"));
        Assert.True(signer.TrySignLatest(log, out var note, out _));
        SignedCheckpoint = note;
        LogVerifierKey = signer.VerifierKey.ToString();
        OtherLogVerifierKey = NoteVerifierKey.Create(Origin, otherKey.PublicKey).ToString();
        Bundles = [.. Enumerable.Range(0, 8).Select(i => ProofBundle.FromLog(log, i, note).Format())];

        // The same tree under another log's origin, signed by this log's key under its own name: only the origin is wrong.
        var foreignBody = new Checkpoint(ForeignOrigin, log.Size, log.GetRootHash(log.Size)).FormatBody();
        ForeignOriginBundle = ProofBundle.FromLog(log, 5, SignedNote.Sign(foreignBody, Origin, logKey)).Format();

        LogKeyFile = _folder.Combine("log.vkey");
        File.WriteAllText(LogKeyFile, "# the log's verifier key\n" + LogVerifierKey + "\n");
        DeviceRegistryFile = _folder.Combine("devices.json");
        File.WriteAllText(DeviceRegistryFile, Registry(DeviceId, deviceKey.PublicKey));
        WrongDeviceRegistryFile = _folder.Combine("wrong-devices.json");
        File.WriteAllText(WrongDeviceRegistryFile, Registry(DeviceId, otherKey.PublicKey));
        OtherDeviceRegistryFile = _folder.Combine("other-devices.json");
        File.WriteAllText(OtherDeviceRegistryFile, Registry("another-device", deviceKey.PublicKey));
        DeviceKeyFolder = _folder.Combine("device-keys");
        Directory.CreateDirectory(DeviceKeyFolder);
        File.WriteAllText(Path.Combine(DeviceKeyFolder, DeviceId + ".jwk"), OkpJsonWebKey.FormatPublic(deviceKey.PublicKey));
    }

    public string SignedCheckpoint { get; }

    public string LogVerifierKey { get; }

    public string OtherLogVerifierKey { get; }

    /// <summary>The bundle text of each entry.</summary>
    public IReadOnlyList<string> Bundles { get; }

    /// <summary>Entry 5 under a checkpoint of <see cref="ForeignOrigin"/> that the log key signed under its own name, <see cref="Origin"/>.</summary>
    public string ForeignOriginBundle { get; }

    public string LogKeyFile { get; }

    public string DeviceRegistryFile { get; }

    public string WrongDeviceRegistryFile { get; }

    public string OtherDeviceRegistryFile { get; }

    public string DeviceKeyFolder { get; }

    public string Write(string name, string text)
    {
        var path = _folder.Combine(name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    public void Dispose() => _folder.Dispose();

    private static string Registry(string deviceId, Ed25519PublicKey key) =>
        $"{{\"devices\":[{{\"deviceId\":\"{deviceId}\",\"kind\":\"pulse-oximeter\",\"ward\":\"7A\",\"bed\":\"01\",\"publicKey\":{OkpJsonWebKey.FormatPublic(key)},\"revoked\":false}}]}}";
}
