using System.Runtime.Versioning;
using MedIoT.Gateway.Identity;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Identity;

[SupportedOSPlatform("linux")]
public sealed class GatewayIdentityTests
{
    [Fact]
    public void The_key_is_created_owner_only_on_first_use_and_the_same_key_is_loaded_afterwards()
    {
        using var folder = TemporaryDirectory.Create("identity");
        var keyFile = folder.Combine("identity", "gateway-key.jwk");

        using var created = GatewayIdentity.LoadOrCreate(keyFile, "mediot.example/ward7a/gw1", out var wasCreated);
        Assert.True(wasCreated);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder.Combine("identity")));

        using var loaded = GatewayIdentity.LoadOrCreate(keyFile, "mediot.example/ward7a/gw1", out wasCreated);
        Assert.False(wasCreated);
        Assert.Equal(created.PublicKey, loaded.PublicKey);
        Assert.Equal(created.Thumbprint, loaded.Thumbprint);

        // Frames it signs verify with its public key, with the device's id as kid.
        var token = loaded.SignFrame(new DeviceFrame("ward7a-bed02-masimo", 1, [new Observation(MdcCodes.OxygenSaturation, 97, "%", 0)]));
        Assert.True(JwsFrameDecoder.TryDecode(token, 16_384, out var decoded, out _, out _));
        Assert.Equal("ward7a-bed02-masimo", decoded.KeyId);
        Assert.True(decoded.VerifySignature(created.PublicKey));
    }

    [Fact]
    public void A_folder_open_to_others_is_refused_with_the_fix()
    {
        using var folder = TemporaryDirectory.Create("identity");
        var open = Directory.CreateDirectory(folder.Combine("shared"));
        open.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

        var exception = Assert.Throws<InvalidOperationException>(() => GatewayIdentity.LoadOrCreate(Path.Combine(open.FullName, "key.jwk"), "gw", out _));
        Assert.Contains("chmod 700", exception.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(open.FullName, "key.jwk")));
    }

    [Fact]
    public void A_key_file_readable_by_others_is_refused()
    {
        using var folder = TemporaryDirectory.Create("identity");
        var keyFile = folder.Combine("key.jwk");
        using (GatewayIdentity.LoadOrCreate(keyFile, "gw", out _))
        {
        }

        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var exception = Assert.Throws<InvalidOperationException>(() => GatewayIdentity.LoadOrCreate(keyFile, "gw", out _));
        Assert.Contains("chmod 600", exception.Message, StringComparison.Ordinal);
    }
}
