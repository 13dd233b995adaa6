namespace MedIoT.Gateway.LoadTest;

/// <summary>
/// The values of the load frames' four vitals (SpO2, pulse rate, respiration rate, temperature, in that order).
/// Without an alarm period, every value is random 50–100 (the ingest benchmark's frames, docs/benchmarks/ingest.md):
/// under the shipped rules that raises one temperature alarm per bed at the start and nothing more for about 30 s.
/// With one (<c>--alarm-period-seconds</c>, docs/benchmarks/station.md), the beds are stable (SpO2 96–99 %, pulse
/// 60–90 /min, respiration 12–20 /min, all inside every limit and NEWS2 0 for them) and each bed's temperature is
/// 39.5 °C for the first half of every period and 37.0 °C for the second: above the shipped 39.05 °C limit without
/// persistence, so a low-priority alarm is raised, then resolved (back below by more than the 0.2 °C hysteresis): two
/// alarm events per bed and period, the beds' periods evenly staggered so the events flow at a steady rate.
/// </summary>
/// <param name="Devices">How many beds (one device each).</param>
/// <param name="FramesPerPeriod">Frames one device sends in an alarm period; 0 for random values.</param>
internal sealed record WardValues(int Devices, int FramesPerPeriod)
{
    /// <summary>The value of vital <paramref name="vital"/> in frame <paramref name="frame"/> of device <paramref name="device"/>.</summary>
    public double Value(int vital, int frame, int device, Random random)
    {
        if (FramesPerPeriod == 0)
        {
            return Math.Round(50 + (random.NextDouble() * 50), 1);
        }

        return vital switch
        {
            0 => 96 + random.Next(4),
            1 => 60 + random.Next(31),
            2 => 12 + random.Next(9),
            _ => (frame + ((long)device * FramesPerPeriod / Devices)) % FramesPerPeriod < FramesPerPeriod / 2 ? 39.5 : 37.0,
        };
    }
}
