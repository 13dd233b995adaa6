using System.Text;
using MedIoT.Alerts;
using MedIoT.Cryptography;
using MedIoT.Gateway.Devices;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;

namespace MedIoT.Gateway.Tests.Support;

/// <summary>Devices with real Ed25519 keys for unit tests.</summary>
internal sealed class TestDevice : IDisposable
{
    private long _nextSequence = 1;

    public TestDevice(string deviceId, string ward = "7A", string bed = "01", bool revoked = false)
    {
        Key = Ed25519PrivateKey.Generate();
        Registration = new RegisteredDevice(deviceId, "pulse-oximeter", BedLocation.Parse(ward, bed), Key.PublicKey, revoked);
    }

    public Ed25519PrivateKey Key { get; }

    public RegisteredDevice Registration { get; }

    public string DeviceId => Registration.DeviceId;

    public string Topic => Protocol.DeviceTopic.ForFrames(DeviceId);

    public static long TimeNanoseconds(int second) => 1_795_000_000_000_000_000L + (second * 1_000_000_000L);

    public DeviceFrame Frame(long? sequence = null, double saturation = 97, double pulse = 72, int second = 0) =>
        new(DeviceId, sequence ?? _nextSequence++,
        [
            new Observation(MdcCodes.OxygenSaturation, saturation, "%", TimeNanoseconds(second)),
            new Observation(MdcCodes.PulseRateOximeter, pulse, "/min", TimeNanoseconds(second)),
        ]);

    public byte[] Sign(DeviceFrame frame) => JwsFrameEncoder.Encode(frame, Key);

    public byte[] SignNext() => Sign(Frame());

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public void Dispose() => Key.Dispose();
}
