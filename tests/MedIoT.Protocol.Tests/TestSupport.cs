using System.Runtime.CompilerServices;
using System.Text;
using MedIoT.Cryptography;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;

namespace MedIoT.Protocol.Tests;

/// <summary>Shared helpers: the gateway's decode pipeline, raw token building and golden file locations.</summary>
internal static class TestSupport
{
    /// <summary>The golden frames copied next to the test assembly.</summary>
    public static string GoldenDirectory => Path.Combine(AppContext.BaseDirectory, "GoldenFrames");

    /// <summary>The checked-in golden directory, for regenerating it.</summary>
    public static string SourceGoldenDirectory() => Path.Combine(ProjectDirectory(), "GoldenFrames");

    private static string ProjectDirectory([CallerFilePath] string thisFile = "") => Path.GetDirectoryName(thisFile)!;

    /// <summary>
    /// What the gateway does with a token, up to the checks this library owns: decode, verify with the device's key,
    /// then read the frame. Returns the first rejection or <see cref="FrameRejectionReason.None"/>.
    /// </summary>
    public static FrameRejectionReason Run(ReadOnlySpan<byte> token, int maxTokenBytes, Ed25519PublicKey key, out DeviceFrame? frame)
    {
        frame = null;
        if (!JwsFrameDecoder.TryDecode(token, maxTokenBytes, out var jws, out var reason, out var detail))
        {
            Assert.NotEqual(FrameRejectionReason.None, reason);
            Assert.False(string.IsNullOrEmpty(detail));
            return reason;
        }

        if (!jws.VerifySignature(key))
        {
            return FrameRejectionReason.BadSignature;
        }

        if (!jws.TryReadFrame(out frame, out reason, out detail))
        {
            Assert.NotEqual(FrameRejectionReason.None, reason);
            Assert.False(string.IsNullOrEmpty(detail));
            return reason;
        }

        return FrameRejectionReason.None;
    }

    /// <summary>A compact JWS of any header and payload bytes, signed with pure Ed25519 over the signing input.</summary>
    public static string SignRaw(string headerJson, byte[] payload, Ed25519PrivateKey key)
    {
        var signingInput = Base64Url.Encode(Encoding.UTF8.GetBytes(headerJson)) + "." + Base64Url.Encode(payload);
        return signingInput + "." + Base64Url.Encode(key.Sign(Encoding.ASCII.GetBytes(signingInput)));
    }

    public static string SignRaw(string headerJson, string payloadJson, Ed25519PrivateKey key) =>
        SignRaw(headerJson, Encoding.UTF8.GetBytes(payloadJson), key);

    public static byte[] Hex(string hex) => Convert.FromHexString(hex);

    public static void AssertSameFrame(DeviceFrame expected, DeviceFrame actual)
    {
        Assert.Equal(expected.DeviceId, actual.DeviceId);
        Assert.Equal(expected.SequenceNumber, actual.SequenceNumber);
        Assert.Equal(expected.Observations, actual.Observations);
        Assert.Equal(expected.Status, actual.Status);
    }
}
