using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Bedside;
using MedIoT.FirmwareSim.Devices;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.FirmwareSim.Scenarios;
using MedIoT.FirmwareSim.Serial;
using MedIoT.Sensors.Simulation;
using MedIoT.Serial;

namespace MedIoT.FirmwareSim;

/// <summary>The <c>mediot-sim</c> command line: <c>provision</c>, <c>run</c>, <c>serial</c>, <c>scenario</c> and <c>bedside</c>.</summary>
internal static class SimulatorCommands
{
    public static RootCommand Create()
    {
        var root = new RootCommand("MedIoT firmware simulator: simulated bedside devices that sign their frames (docs/device-protocol.md).");
        root.Subcommands.Add(CreateProvision());
        root.Subcommands.Add(CreateRun());
        root.Subcommands.Add(CreateSerial());
        root.Subcommands.Add(CreateScenario());
        root.Subcommands.Add(CreateBedside());
        return root;
    }

    private static Command CreateProvision()
    {
        var output = new Option<DirectoryInfo>("--output") { Description = "Empty folder for devices.json (the gateway's registry) and keys/ (private keys, owner-only).", Required = true };
        var ward = new Option<string>("--ward") { Description = "Ward name (1–32 of A–Z a–z 0–9 . _ -).", DefaultValueFactory = _ => "7A" };
        var beds = new Option<int>("--beds") { Description = "Number of beds, each with a pulse oximeter (1–999).", DefaultValueFactory = _ => 8 };
        var scenarios = new Option<FileInfo[]>("--scenario")
        {
            Description = "Also provision the devices this scenario plays (configs/scenarios/*.json; repeatable), at the scenario's ward and bed.",
            AllowMultipleArgumentsPerToken = false,
        };
        var accounts = new Option<string[]>("--service-account")
        {
            Description = $"Also create this service's broker account (repeatable), e.g. {BrokerAccounts.Gateway}, {BrokerAccounts.Ledger}, {BrokerAccounts.Station} (configs/mosquitto/mediot.acl): its password goes to accounts/<name>.password (owner-only).",
            AllowMultipleArgumentsPerToken = false,
        };
        var attachedBeds = new Option<string[]>("--attached-bed")
        {
            Description = "A bed of --ward (e.g. 03) whose bed scale and infrared thermometer are wired to the gateway (docs/attached-sensors.md): registered as gateway-attested devices <ward>-bed<NN>-scale and -thermometer, with no key (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("provision",
            "Create device keys, broker passwords, the broker's password file (mosquitto.passwd) and the gateway's device registry for a simulated ward.")
        {
            output, ward, beds, scenarios, accounts, attachedBeds,
        };
        command.SetAction(parseResult =>
        {
            var folder = parseResult.GetValue(output)!.FullName;
            var extra = new List<(string DeviceId, string Ward, string Bed)>();
            foreach (var file in parseResult.GetValue(scenarios) ?? [])
            {
                if (!TryLoadScenario(file.FullName, out var scenario))
                {
                    return 2;
                }

                extra.AddRange(scenario.DeviceIds
                    .Where(id => !extra.Any(place => place.DeviceId == id))
                    .Select(id => (id, scenario.Ward, scenario.Bed)));
            }

            IReadOnlyList<ProvisionedDevice> devices;
            try
            {
                devices = WardProvisioner.Provision(folder, parseResult.GetValue(ward)!, parseResult.GetValue(beds), extra, parseResult.GetValue(accounts) ?? [],
                    parseResult.GetValue(attachedBeds) ?? []);
            }
            catch (Exception exception) when (exception is IOException or ArgumentException)
            {
                Console.Error.WriteLine(exception.Message);
                return 2;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Provisioned {devices.Count} devices: registry {Path.Combine(folder, WardProvisioner.RegistryFileName)}, private keys and broker passwords in {Path.Combine(folder, WardProvisioner.KeysFolderName)}, broker password file {Path.Combine(folder, BrokerAccounts.PasswordFileName)}"));
            return 0;
        });
        return command;
    }

    private static Command CreateRun()
    {
        var folder = new Option<DirectoryInfo>("--ward-folder") { Description = "A folder made by 'provision' (devices.json and keys/).", Required = true };
        var broker = new BrokerArguments();
        var interval = new Option<int>("--interval-ms") { Description = "Milliseconds between frames of one device (10–60000).", DefaultValueFactory = _ => 1000 };
        var frames = new Option<long?>("--frames") { Description = "Frames per device, then stop (default: until Ctrl+C)." };
        var exclude = new Option<FileInfo[]>("--exclude-scenario")
        {
            Description = "Leave out the devices this scenario plays and every other device at its bed (repeatable): 'mediot-sim scenario' plays that patient.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("run", "Run every provisioned device, publishing signed frames over MQTT at QoS 1.") { folder, interval, frames, exclude };
        broker.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var wardFolder = parseResult.GetValue(folder)!.FullName;
            var intervalMilliseconds = parseResult.GetValue(interval);
            if (intervalMilliseconds is < 10 or > 60_000)
            {
                await Console.Error.WriteLineAsync("--interval-ms must be between 10 and 60000.").ConfigureAwait(false);
                return 2;
            }

            if (!broker.TryCreate(parseResult, out var endpoint))
            {
                return 2;
            }

            // A scenario is the patient of its bed: another device there would mix its readings into the scenario's.
            var excluded = new HashSet<string>(StringComparer.Ordinal);
            var excludedBeds = new HashSet<(string Ward, string Bed)>();
            foreach (var file in parseResult.GetValue(exclude) ?? [])
            {
                if (!TryLoadScenario(file.FullName, out var scenario))
                {
                    return 2;
                }

                excluded.UnionWith(scenario.DeviceIds);
                excludedBeds.Add((scenario.Ward, scenario.Bed));
            }

            var devices = WardProvisioner.Load(
                Path.Combine(wardFolder, WardProvisioner.RegistryFileName), Path.Combine(wardFolder, WardProvisioner.KeysFolderName))
                .Where(device => !excluded.Contains(device.DeviceId) && !excludedBeds.Contains((device.Ward, device.Bed)))
                .ToList();
            var simulated = new List<SimulatedDevice>();
            try
            {
                foreach (var device in devices)
                {
                    simulated.Add(await SimulatedDevice.ConnectAsync(device, endpoint, TimeProvider.System, null, cancellationToken).ConfigureAwait(false));
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

    private static Command CreateSerial()
    {
        var port = new Option<string>("--port") { Description = "The serial port or pseudo-terminal to write to (e.g. a socat link).", Required = true };
        var protocol = new Option<SerialOutputProtocol>("--protocol") { Description = "signed, masimo or nonin.", Required = true };
        var folder = new Option<DirectoryInfo?>("--ward-folder") { Description = "For signed: a folder made by 'provision' (devices.json and keys/)." };
        var device = new Option<string?>("--device") { Description = "For signed: the provisioned device id whose key signs the frames." };
        var baud = new Option<int>("--baud") { Description = "Baud rate (9600, 19200, 38400, 57600, 115200).", DefaultValueFactory = _ => 9600 };
        var interval = new Option<int>("--interval-ms") { Description = "Milliseconds between readings (10–60000).", DefaultValueFactory = _ => 1000 };
        var frames = new Option<long?>("--frames") { Description = "Readings to write, then stop (default: until Ctrl+C)." };
        var garbage = new Option<int>("--garbage-every") { Description = "Noise before every Nth reading (0 = never).", DefaultValueFactory = _ => 0 };
        var truncate = new Option<int>("--truncate-every") { Description = "Cut every Nth reading short (0 = never).", DefaultValueFactory = _ => 0 };
        var badChecksum = new Option<int>("--bad-checksum-every") { Description = "Damage every Nth reading: checksum, field or signature (0 = never).", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of the simulated patient and the noise.", DefaultValueFactory = _ => 1 };
        var command = new Command("serial", "Write one simulated serial device's protocol to a port, with optional fault injection (docs/serial.md).")
        {
            port, protocol, folder, device, baud, interval, frames, garbage, truncate, badChecksum, seed,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var intervalMilliseconds = parseResult.GetValue(interval);
            if (intervalMilliseconds is < 10 or > 60_000)
            {
                await Console.Error.WriteLineAsync("--interval-ms must be between 10 and 60000.").ConfigureAwait(false);
                return 2;
            }

            var faults = new SerialFaults(parseResult.GetValue(garbage), parseResult.GetValue(truncate), parseResult.GetValue(badChecksum));
            var chosen = parseResult.GetValue(protocol);
            MedIoT.Cryptography.Ed25519PrivateKey? key = null;
            SerialReadingSource source;
            if (chosen == SerialOutputProtocol.Signed)
            {
                var wardFolder = parseResult.GetValue(folder)?.FullName;
                var deviceId = parseResult.GetValue(device);
                if (wardFolder is null || deviceId is null)
                {
                    await Console.Error.WriteLineAsync("--protocol signed needs --ward-folder and --device.").ConfigureAwait(false);
                    return 2;
                }

                var provisioned = WardProvisioner.Load(
                    Path.Combine(wardFolder, WardProvisioner.RegistryFileName), Path.Combine(wardFolder, WardProvisioner.KeysFolderName))
                    .FirstOrDefault(d => d.DeviceId == deviceId);
                if (provisioned is null)
                {
                    await Console.Error.WriteLineAsync($"Device '{deviceId}' is not provisioned in {wardFolder}.").ConfigureAwait(false);
                    return 2;
                }

                key = PrivateKeyFile.Read(provisioned.PrivateKeyPath);
                source = SerialReadingSource.Signed(deviceId, key, new SequenceCounter(Path.ChangeExtension(provisioned.PrivateKeyPath, ".seq")),
                    faults, parseResult.GetValue(seed), TimeProvider.System);
            }
            else
            {
                source = SerialReadingSource.Unsigned(chosen, faults, parseResult.GetValue(seed), TimeProvider.System);
            }

            try
            {
                await using var serialPort = SerialPort.Open(parseResult.GetValue(port)!, new SerialLineSettings { BaudRate = parseResult.GetValue(baud) });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Writing {chosen} readings to {serialPort.Path} ({serialPort.Settings}) every {intervalMilliseconds} ms. Ctrl+C stops."));
                var written = await SerialDeviceRunner.RunAsync(source, serialPort, TimeSpan.FromMilliseconds(intervalMilliseconds),
                    parseResult.GetValue(frames), TimeProvider.System, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {written} readings."));
                return 0;
            }
            catch (IOException exception)
            {
                await Console.Error.WriteLineAsync(exception.Message).ConfigureAwait(false);
                return 1;
            }
            finally
            {
                key?.Dispose();
            }
        });
        return command;
    }

    private static Command CreateScenario()
    {
        var file = new Argument<FileInfo>("file") { Description = "The scenario (configs/scenarios/*.json, format in docs/alerts.md §4)." };
        var folder = new Option<DirectoryInfo>("--ward-folder") { Description = "A folder made by 'provision --scenario <file>' (devices.json and keys/).", Required = true };
        var broker = new BrokerArguments();
        var gatewayApi = new GatewayApiArguments("staff entries (needed when the scenario has any)", "the staff entries are sent with");
        var speed = new Option<double>("--speed") { Description = "Play N times faster than real time (0.1–1000).", DefaultValueFactory = _ => 1 };
        var command = new Command("scenario", "Play a scenario in real time (scaled by --speed): its devices publish signed frames over MQTT, staff entries go to the gateway's HTTP API.")
        {
            file, folder, speed,
        };
        broker.AddTo(command);
        gatewayApi.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var factor = parseResult.GetValue(speed);
            if (!double.IsFinite(factor) || factor < MqttScenarioSink.MinSpeed || factor > MqttScenarioSink.MaxSpeed)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"--speed must be between {MqttScenarioSink.MinSpeed} and {MqttScenarioSink.MaxSpeed}.")).ConfigureAwait(false);
                return 2;
            }

            if (!TryLoadScenario(parseResult.GetValue(file)!.FullName, out var scenario) || !broker.TryCreate(parseResult, out var endpoint))
            {
                return 2;
            }

            if (!gatewayApi.TryCreate(parseResult, out var http, out var pin))
            {
                return 2;
            }

            using var client = http;
            using var pinned = pin;
            if (scenario.Staff.Count > 0 && http?.DefaultRequestHeaders.Authorization is null)
            {
                await Console.Error.WriteLineAsync($"Scenario '{scenario.Name}' records staff entries: give the gateway's HTTP address with --gateway-url and its API token with --gateway-token-file.").ConfigureAwait(false);
                return 2;
            }

            var wardFolder = parseResult.GetValue(folder)!.FullName;
            var provisioned = WardProvisioner.Load(
                Path.Combine(wardFolder, WardProvisioner.RegistryFileName), Path.Combine(wardFolder, WardProvisioner.KeysFolderName));
            var missing = scenario.DeviceIds.Where(id => !provisioned.Any(device => device.DeviceId == id && File.Exists(device.PrivateKeyPath))).ToList();
            if (missing.Count > 0)
            {
                await Console.Error.WriteLineAsync(
                    $"Not provisioned in {wardFolder}: {string.Join(", ", missing)}. Provision with 'mediot-sim provision --scenario <file>'.").ConfigureAwait(false);
                return 2;
            }

            var devices = new Dictionary<string, SimulatedDevice>(StringComparer.Ordinal);
            try
            {
                foreach (var device in provisioned.Where(device => scenario.DeviceIds.Contains(device.DeviceId)))
                {
                    devices[device.DeviceId] = await SimulatedDevice.ConnectAsync(device, endpoint, TimeProvider.System, null, cancellationToken).ConfigureAwait(false);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Playing '{scenario.Name}' ({scenario.DurationSeconds} s at {factor}x: {scenario.DurationSeconds / factor:0.#} s) with {devices.Count} devices at {scenario.Ward}/{scenario.Bed}."));
                var sink = new MqttScenarioSink(scenario, devices, http, factor, TimeProvider.System);
                var frames = await ScenarioPlayer.PlayAsync(scenario, sink, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Played '{scenario.Name}': {frames} frames, {sink.StaffEntries} staff entries."));
                return 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.WriteLine($"Stopped '{scenario.Name}' before its end.");
                return 0;
            }
            catch (HttpRequestException exception)
            {
                await Console.Error.WriteLineAsync(pin?.Refusal ?? exception.Message).ConfigureAwait(false);
                return 1;
            }
            finally
            {
                foreach (var device in devices.Values)
                {
                    await device.DisposeAsync().ConfigureAwait(false);
                }
            }
        });
        return command;
    }

    private static Command CreateBedside()
    {
        var state = new Option<FileInfo>("--state")
        {
            Description = "The bedside state file the gateway's simulated sensors read (Gateway:Attached:Sensors:N:SimulationStatePath); written owner-only, by rename.",
            Required = true,
        };
        var ward = new Option<string>("--ward") { Description = "The bed's ward, for arming bed-exit monitoring.", DefaultValueFactory = _ => "7A" };
        var bed = new Option<string>("--bed") { Description = "The bed, for arming bed-exit monitoring.", DefaultValueFactory = _ => "03" };
        var still = new Option<double?>("--still-kilograms")
        {
            Description = "Instead of the story, write one still state with this load on the bed (0–400 kg) and exit: the steps of calibrating the simulated scale (mediot-gateway calibrate-scale).",
        };
        var gatewayApi = new GatewayApiArguments("arming bed-exit monitoring (without it the bed is not armed)", "the bed is armed with");
        var command = new Command("bedside",
            "Play the demo's bedside story on the simulated sensors wired to the gateway (docs/attached-sensors.md §6): a fever, a call answered at the bed, and, with bed-exit monitoring armed, the patient leaving the bed and returning.")
        {
            state, ward, bed, still,
        };
        gatewayApi.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!gatewayApi.TryCreate(parseResult, out var http, out var pin))
            {
                return 2;
            }

            using var client = http;
            using var pinned = pin;
            if (parseResult.GetValue(still) is { } kilograms)
            {
                if (!double.IsFinite(kilograms) || kilograms is < 0 or > 400)
                {
                    await Console.Error.WriteLineAsync("--still-kilograms must be between 0 and 400.").ConfigureAwait(false);
                    return 2;
                }

                BedsideStateFile.Write(parseResult.GetValue(state)!.FullName, BedsideStory.Still(kilograms));
                return 0;
            }

            try
            {
                var player = new BedsidePlayer(BedsideStory.Demo, parseResult.GetValue(state)!.FullName, client, parseResult.GetValue(ward)!, parseResult.GetValue(bed)!, TimeProvider.System);
                await player.PlayAsync(cancellationToken).ConfigureAwait(false);
                return 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return 0;
            }
            catch (HttpRequestException exception)
            {
                await Console.Error.WriteLineAsync(pin?.Refusal ?? exception.Message).ConfigureAwait(false);
                return 1;
            }
            catch (IOException exception)
            {
                await Console.Error.WriteLineAsync(exception.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static bool TryLoadScenario(string path, [NotNullWhen(true)] out Scenario? scenario)
    {
        try
        {
            scenario = Scenario.Load(path);
            return true;
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine(exception.Message);
            scenario = null;
            return false;
        }
    }

    /// <summary>How <c>run</c> and <c>scenario</c> reach the broker: host, port and, for TLS, the CA file and server name.</summary>
    private sealed class BrokerArguments
    {
        private readonly Option<string> _host = new("--host") { Description = "MQTT broker host.", DefaultValueFactory = _ => "127.0.0.1" };
        private readonly Option<int> _port = new("--port") { Description = "MQTT broker port.", DefaultValueFactory = _ => 1883 };
        private readonly Option<FileInfo?> _caFile = new("--tls-ca-file")
        {
            Description = "Connect over TLS, trusting the broker's certificate if it chains to this PEM CA. A device with keys/<id>.tls.crt and .tls.key connects with that certificate (mutual TLS), the others with their passwords.",
        };

        private readonly Option<string?> _serverName = new("--tls-server-name") { Description = "With --tls-ca-file: the name the broker's certificate carries, when it is not --host." };

        public void AddTo(Command command)
        {
            command.Options.Add(_host);
            command.Options.Add(_port);
            command.Options.Add(_caFile);
            command.Options.Add(_serverName);
        }

        public bool TryCreate(ParseResult parseResult, [NotNullWhen(true)] out BrokerEndpoint? endpoint)
        {
            endpoint = new BrokerEndpoint(parseResult.GetValue(_host)!, parseResult.GetValue(_port)) { ServerName = parseResult.GetValue(_serverName) };
            if (parseResult.GetValue(_caFile) is not { } caFile)
            {
                return true;
            }

            var authorities = new X509Certificate2Collection();
            try
            {
                authorities.ImportFromPemFile(caFile.FullName);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                Console.Error.WriteLine($"--tls-ca-file '{caFile.FullName}' cannot be read as PEM: {exception.Message}");
                endpoint = null;
                return false;
            }

            if (authorities.Count == 0)
            {
                Console.Error.WriteLine($"--tls-ca-file '{caFile.FullName}' holds no PEM certificate.");
                endpoint = null;
                return false;
            }

            endpoint = endpoint with { TrustedCertificateAuthorities = authorities };
            return true;
        }
    }
}
