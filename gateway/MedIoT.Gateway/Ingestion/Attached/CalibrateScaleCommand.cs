using System.Globalization;
using MedIoT.Hosting;
using MedIoT.Sensors;
using MedIoT.Sensors.LoadCells;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>
/// <c>mediot-gateway calibrate-scale</c>: the two steps that calibrate a bed scale (docs/attached-sensors.md §3). First,
/// with the bed empty (mattress and bedding on, as in use), <c>--empty</c> records the empty bed's reading; then, with a
/// known mass on the bed, <c>--known-kilograms</c> works out the scale's counts per kilogram and writes the calibration
/// file (0600). Each step keeps the median of many reads. Run it with the gateway stopped: the gateway holds the scale's pins while
/// it runs. Exit code 0 on success, 2 when the command cannot run.
/// </summary>
internal static class CalibrateScaleCommand
{
    public const string Usage = """
        usage: mediot-gateway calibrate-scale --sensor NAME --empty [--reads N] [--settings PATH]
               mediot-gateway calibrate-scale --sensor NAME --known-kilograms KG [--reads N] [--settings PATH]
          NAME   a BedScale entry of Gateway:Attached:Sensors
          --empty             step 1: the bed empty, as in use; records its reading
          --known-kilograms   step 2: KG (1-300) of known mass on the bed; writes the sensor's CalibrationPath
          --reads N           reads per step, their median kept, 1-200 (default 20)
        Stop the gateway first (it holds the pins); start it again afterwards.
        """;

    /// <summary>Reads per step unless <c>--reads</c> says otherwise.</summary>
    private const int DefaultReads = 20;

    /// <summary>
    /// Runs the command with the gateway's settings (<c>--settings</c> and the usual search, docs/architecture.md):
    /// <paramref name="createHost"/> builds the gateway's host (not started) from the settings arguments, and
    /// <paramref name="findSettings"/> finds the settings file that relative paths resolve against.
    /// </summary>
    public static async Task<int> RunAsync(
        string[] args, Func<string[], IHost> createHost, Func<string[], SettingsFile> findSettings, TextWriter output, TextWriter error)
    {
        if (!TryParse(args, out var command, out var problem))
        {
            await error.WriteLineAsync($"error: {problem}{Environment.NewLine}{Usage}").ConfigureAwait(false);
            return 2;
        }

        try
        {
            var host = createHost(command.SettingsArguments);
            using (host)
            {
                var settings = findSettings(command.SettingsArguments);
                var options = host.Services.GetRequiredService<IOptions<AttachedOptions>>().Value;
                var sensor = options.Sensors.FirstOrDefault(candidate => candidate.Name == command.Sensor);
                if (sensor is null || sensor.Kind != AttachedSensorKind.BedScale)
                {
                    await error.WriteLineAsync($"error: Gateway:Attached:Sensors has no BedScale named '{command.Sensor}'.").ConfigureAwait(false);
                    return 2;
                }

                var emptyFile = new AttestationStateFolder(settings.Resolve(options.StateFolder)).File(sensor.Name + ".empty-counts");
                var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CalibrateScaleCommand));
                using var buses = new AttachedBuses(options.Sensors, settings.Resolve, host.Services.GetRequiredService<TimeProvider>(), logger);
                // The calibration the scale is opened with does not matter here: only raw counts are read.
                using var scale = new BedScale(buses.Gpio(sensor), sensor.DataPin, sensor.ClockPin, new LoadCellCalibration(0, 1));
                // The reads block (the binding clocks bits and waits for conversions): on a thread of their own, not the pool's.
                var (read, counts, fault) = await Task.Factory.StartNew(
                    () => (TryMedianCounts(scale, command.Reads, out var median, out var failure), median, failure),
                    CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
                if (!read)
                {
                    await error.WriteLineAsync($"error: the scale gave no reading ({fault}); check its wiring and pins ({sensor.DataPin}, {sensor.ClockPin}).").ConfigureAwait(false);
                    return 2;
                }

                if (command.KnownKilograms is not { } kilograms)
                {
                    WriteOwnerOnly(emptyFile, counts.ToString("R", CultureInfo.InvariantCulture));
                    await output.WriteLineAsync(
                        $"Empty bed recorded ({counts:0} counts, {command.Reads} reads). Now put a known mass on the bed and run: " +
                        $"mediot-gateway calibrate-scale --sensor {sensor.Name} --known-kilograms KG").ConfigureAwait(false);
                    return 0;
                }

                if (!File.Exists(emptyFile)
                    || !double.TryParse(await File.ReadAllTextAsync(emptyFile).ConfigureAwait(false), NumberStyles.Float, CultureInfo.InvariantCulture, out var emptyCounts))
                {
                    await error.WriteLineAsync($"error: no empty-bed reading for {sensor.Name}; run --empty first, with the bed empty.").ConfigureAwait(false);
                    return 2;
                }

                LoadCellCalibration calibration;
                try
                {
                    calibration = BedScale.Calibrate(emptyCounts, counts, kilograms);
                }
                catch (ArgumentException exception)
                {
                    await error.WriteLineAsync($"error: {exception.Message} Check that the known mass is on the bed, and run --empty again with the bed empty.").ConfigureAwait(false);
                    return 2;
                }

                var calibrationPath = settings.Resolve(sensor.CalibrationPath);
                LoadCellCalibrationFile.Write(calibrationPath, calibration);
                File.Delete(emptyFile);
                await output.WriteLineAsync(
                    $"Calibrated {sensor.Name}: {calibration.CountsPerKilogram:0.0} counts per kg, empty bed at {calibration.ZeroCounts:0} counts; " +
                    $"written to {calibrationPath}. Start the gateway.").ConfigureAwait(false);
                return 0;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException or OptionsValidationException)
        {
            await error.WriteLineAsync($"error: {exception.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/>, mode 0600 from creation.</summary>
    private static void WriteOwnerOnly(string path, string text)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Calibration files need Unix file modes.");
        }

        File.Delete(path);
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        stream.Write(System.Text.Encoding.ASCII.GetBytes(text));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// The median of <paramref name="reads"/> good samples, allowing as many failed ones: a user-space host paused for more
    /// than 60 µs while clocking powers the HX711 down mid-word (datasheet, "Power down"), which gives a garbage word. A
    /// sample whose median of 3 conversions is such a word is one outlier among the reads, where it would shift a mean (one
    /// empty-bed sample read near 0 instead of 52,000 counts moved the mean of 20 by about 2,600 counts, half a kilogram,
    /// in a demo run under load).
    /// </summary>
    private static bool TryMedianCounts(BedScale scale, int reads, out double counts, out SensorFault fault)
    {
        var samples = new double[reads];
        var good = 0;
        fault = SensorFault.None;
        for (var attempt = 0; attempt < 2 * reads && good < reads; attempt++)
        {
            var result = scale.TryReadCounts(out var one);
            if (result == SensorFault.None)
            {
                samples[good++] = one;
            }
            else
            {
                fault = result;
            }
        }

        if (good < reads)
        {
            counts = double.NaN;
            return false;
        }

        Array.Sort(samples);
        counts = reads % 2 == 1 ? samples[reads / 2] : (samples[(reads / 2) - 1] + samples[reads / 2]) / 2;
        return true;
    }

    private static bool TryParse(string[] args, out Command command, out string problem)
    {
        command = default;
        string? sensor = null;
        double? kilograms = null;
        var empty = false;
        var reads = DefaultReads;
        var settingsArguments = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--sensor" when value is not null:
                    sensor = value;
                    i++;
                    break;
                case "--empty":
                    empty = true;
                    break;
                case "--known-kilograms" when value is not null:
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || !double.IsFinite(parsed) || parsed is < 1 or > 300)
                    {
                        problem = "--known-kilograms must be a number of kilograms between 1 and 300.";
                        return false;
                    }

                    kilograms = parsed;
                    i++;
                    break;
                case "--reads" when value is not null:
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out reads) || reads is < 1 or > 200)
                    {
                        problem = "--reads must be a whole number between 1 and 200.";
                        return false;
                    }

                    i++;
                    break;
                case "--settings" when value is not null:
                    settingsArguments.Add(args[i]);
                    settingsArguments.Add(value);
                    i++;
                    break;
                default:
                    problem = $"unexpected argument '{args[i]}'.";
                    return false;
            }
        }

        if (string.IsNullOrEmpty(sensor))
        {
            problem = "--sensor NAME is required.";
            return false;
        }

        if (empty == kilograms.HasValue)
        {
            problem = "give exactly one of --empty and --known-kilograms.";
            return false;
        }

        problem = string.Empty;
        command = new Command(sensor, kilograms, reads, [.. settingsArguments]);
        return true;
    }

    private readonly record struct Command(string Sensor, double? KnownKilograms, int Reads, string[] SettingsArguments);
}
