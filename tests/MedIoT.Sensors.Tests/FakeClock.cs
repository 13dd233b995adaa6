using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Sensors.Tests;

internal static class FakeClock
{
    /// <summary>Advances <paramref name="clock"/> by <paramref name="total"/> in steps of <paramref name="step"/>, so every
    /// timer fires at its own time (FakeTimeProvider fires timers at the end time of each Advance).</summary>
    public static void AdvanceInSteps(this FakeTimeProvider clock, TimeSpan total, TimeSpan step)
    {
        var steps = (int)Math.Ceiling(total / step);
        for (var index = 0; index < steps; index++)
        {
            clock.Advance(step);
        }
    }
}
