using System.CommandLine;
using System.Globalization;
using MedIoT.FirmwareSim.Devices;
using MedIoT.FirmwareSim.Provisioning;

namespace MedIoT.FirmwareSim;

/// <summary>The <c>mediot-sim</c> command line: <c>provision</c> and <c>run</c>.</summary>
internal static class SimulatorCommands
{
    public static RootCommand Create()
    {
        var root = new RootCommand("MedIoT firmware simulator: simulated bedside devices that sign their frames (docs/device-protocol.md).");
        root.Subcommands.Add(CreateProvision());
        root.Subcommands.Add(CreateRun());
        return root;
    }

    private static Command CreateProvision()
    {
        var output = new Option<DirectoryInfo>("--output") { Description = "Empty folder for devices.json (the gateway's registry) and keys/ (private keys, owner-only).", Required = true };
        var ward = new Option<string>("--ward") { Description = "Ward name (1–32 of A–Z a–z 0–9 . _ -).", DefaultValueFactory = _ => "7A" };
        var beds = new Option<int>("--beds") { Description = "Number of beds, each with a pulse oximeter (1–999).", DefaultValueFactory = _ => 8 };
        var command = new Command("provision", "Create device keys and the gateway's device registry for a simulated ward.") { output, ward, beds };
        command.SetAction(parseResult =>
        {
            var folder = parseResult.GetValue(output)!.FullName;
            var devices = WardProvisioner.Provision(folder, parseResult.GetValue(ward)!, parseResult.GetValue(beds));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Provisioned {devices.Count} devices: registry {Path.Combine(folder, WardProvisioner.RegistryFileName)}, private keys in {Path.Combine(folder, WardProvisioner.KeysFolderName)}"));
            return 0;
        });
        return command;
    }

    private static Command CreateRun()
    {
        var folder = new Option<DirectoryInfo>("--ward-folder") { Description = "A folder made by 'provision' (devices.json and keys/).", Required = true };
        var host = new Option<string>("--host") { Description = "MQTT broker host.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "MQTT broker port.", DefaultValueFactory = _ => 1883 };
        var interval = new Option<int>("--interval-ms") { Description = "Milliseconds between frames of one device (10–60000).", DefaultValueFactory = _ => 1000 };
        var frames = new Option<long?>("--frames") { Description = "Frames per device, then stop (default: until Ctrl+C)." };
        var command = new Command("run", "Run every provisioned device, publishing signed frames over MQTT at QoS 1.") { folder, host, port, interval, frames };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var wardFolder = parseResult.GetValue(folder)!.FullName;
            var intervalMilliseconds = parseResult.GetValue(interval);
            if (intervalMilliseconds is < 10 or > 60_000)
            {
                await Console.Error.WriteLineAsync("--interval-ms must be between 10 and 60000.").ConfigureAwait(false);
                return 2;
            }

            var devices = WardProvisioner.Load(
                Path.Combine(wardFolder, WardProvisioner.RegistryFileName), Path.Combine(wardFolder, WardProvisioner.KeysFolderName));
            var simulated = new List<SimulatedDevice>();
            try
            {
                foreach (var device in devices)
                {
                    simulated.Add(await SimulatedDevice.ConnectAsync(
                        device, parseResult.GetValue(host)!, parseResult.GetValue(port), TimeProvider.System, null, cancellationToken).ConfigureAwait(false));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Simulating {simulated.Count} devices, one frame each every {intervalMilliseconds} ms. Ctrl+C stops."));
                var period = TimeSpan.FromMilliseconds(intervalMilliseconds);
                await Task.WhenAll(simulated.Select(d => d.RunAsync(period, parseResult.GetValue(frames), cancellationToken))).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Published {simulated.Sum(d => d.FramesPublished)} frames."));
                return 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Stopped after {simulated.Sum(d => d.FramesPublished)} frames."));
                return 0;
            }
            finally
            {
                foreach (var device in simulated)
                {
                    await device.DisposeAsync().ConfigureAwait(false);
                }
            }
        });
        return command;
    }
}
