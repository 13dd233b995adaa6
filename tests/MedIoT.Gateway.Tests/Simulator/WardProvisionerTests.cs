using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Gateway.Devices;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Simulator;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class WardProvisionerTests
{
    [Fact]
    public void A_provisioned_ward_is_a_registry_the_gateway_loads_with_owner_only_private_keys()
    {
        using var folder = TemporaryDirectory.Create("provision");

        var devices = WardProvisioner.Provision(folder.Path, "7A", 8);

        var registry = DeviceRegistry.Load(folder.Combine(WardProvisioner.RegistryFileName));
        Assert.Equal(8, registry.Count);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(folder.Combine(WardProvisioner.KeysFolderName)));
        foreach (var device in devices)
        {
            Assert.True(registry.TryGet(device.DeviceId, out var registered));
            Assert.Equal(("7A", device.Bed, "pulse-oximeter"), (registered.Location.Ward.ToString(), registered.Location.Bed.ToString(), registered.Kind));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(device.PrivateKeyPath));
            using var key = PrivateKeyFile.Read(device.PrivateKeyPath);
            Assert.Equal(registered.PublicKey, key.PublicKey);
        }

        Assert.Equal(8, devices.Select(d => d.Bed).Distinct().Count());
    }

    [Fact]
    public void Provisioning_never_overwrites_an_existing_ward()
    {
        using var folder = TemporaryDirectory.Create("provision");
        WardProvisioner.Provision(folder.Path, "7A", 1);
        var before = File.ReadAllText(folder.Combine(WardProvisioner.RegistryFileName));

        Assert.Throws<IOException>(() => WardProvisioner.Provision(folder.Path, "7A", 1));
        Assert.Equal(before, File.ReadAllText(folder.Combine(WardProvisioner.RegistryFileName)));
    }
}
