using MedIoT.Protocol.Frames;

namespace MedIoT.FirmwareSim.Serial;

/// <summary>The bytes of one simulated reading as written to the line, and what the receiver should make of them.</summary>
/// <param name="Bytes">What goes on the line.</param>
/// <param name="Fault">The fault injected, if any.</param>
/// <param name="Observations">The reading's values (SpO2, pulse rate, and for Masimo perfusion index), as the device measured them.</param>
/// <param name="SignedFrame">For the signed protocol, the frame that was signed; otherwise null.</param>
public sealed record SerialChunk(byte[] Bytes, SerialFault Fault, IReadOnlyList<Observation> Observations, DeviceFrame? SignedFrame)
{
    /// <summary>Whether the receiver can read this reading (garbage after it does not hide it).</summary>
    public bool IsReadable => Fault is SerialFault.None or SerialFault.Garbage;
}

/// <summary>A fault injected into one reading.</summary>
public enum SerialFault
{
    /// <summary>None.</summary>
    None,

    /// <summary>Noise after the reading.</summary>
    Garbage,

    /// <summary>The reading cut short.</summary>
    Truncated,

    /// <summary>The reading damaged (checksum, field or signature).</summary>
    BadChecksum,
}
