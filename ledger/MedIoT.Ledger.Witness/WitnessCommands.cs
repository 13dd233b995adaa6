using System.CommandLine;
using System.Runtime.InteropServices;
using MedIoT.Cryptography;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Witness.Configuration;
using MedIoT.Ledger.Witness.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Console;

namespace MedIoT.Ledger.Witness;

/// <summary>
/// The <c>mediot-witness</c> command line: <c>--config &lt;file&gt;</c> runs the witness until SIGTERM or SIGINT;
/// <c>keygen --key &lt;file&gt; --name &lt;name&gt;</c> creates a key file (mode 0600) and prints the witness's vkey.
/// Exit codes: 0 success, 2 bad arguments, settings or key file (one line on standard error says which and how to fix it).
/// </summary>
internal static class WitnessCommands
{
    public const int Success = 0;
    public const int UsageError = 2;

    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var config = new Option<FileInfo>("--config")
        {
            Description = "The settings file (JSON, section 'Witness'; configs/witness.json documents every setting). " +
                "Environment variables MEDIOT_Witness__<Setting> override it.",
            Required = true,
        };
        var root = new RootCommand("MedIoT witness: cosigns the ledger's checkpoints after checking their consistency (C2SP tlog-witness; docs/witness.md).")
        {
            config,
        };
        root.SetAction((parseResult, cancellationToken) => RunAsync(parseResult.GetValue(config)!, error, cancellationToken));
        root.Subcommands.Add(CreateKeygen(output, error));
        return root;
    }

    /// <summary>Reads the settings file and the environment (MEDIOT_ prefix), resolving relative paths against the file's folder.</summary>
    public static WitnessOptions LoadOptions(string settingsFile, out IConfiguration configuration)
    {
        var fullPath = Path.GetFullPath(settingsFile);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"The settings file '{fullPath}' does not exist.", fullPath);
        }

        configuration = new ConfigurationBuilder()
            .AddJsonFile(fullPath, optional: false, reloadOnChange: false)
            .AddEnvironmentVariables("MEDIOT_")
            .Build();
        var options = new WitnessOptions();
        configuration.GetSection(WitnessOptions.SectionName).Bind(options);
        var folder = Path.GetDirectoryName(fullPath)!;
        options.KeyFile = Resolve(folder, options.KeyFile);
        options.StateFolder = Resolve(folder, options.StateFolder);
        options.EvidenceFolder = Resolve(folder, options.EvidenceFolder);
        return options;
    }

    private static async Task<int> RunAsync(FileInfo settingsFile, TextWriter error, CancellationToken cancellationToken)
    {
        WitnessOptions options;
        IConfiguration configuration;
        try
        {
            options = LoadOptions(settingsFile.FullName, out configuration);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or InvalidOperationException)
        {
            await error.WriteLineAsync($"error: {exception.Message}").ConfigureAwait(false);
            return UsageError;
        }

        using var loggerFactory = LoggerFactory.Create(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.UseUtcTimestamp = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                console.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        });

        var server = await TryStartAsync(options, loggerFactory, error, cancellationToken).ConfigureAwait(false);
        if (server is null)
        {
            return UsageError;
        }

        await using (server.ConfigureAwait(false))
        {
            // SIGTERM (systemd stop) and SIGINT end the process cleanly; requests in flight finish first.
            var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.TrySetResult();
            });
            using var registration = cancellationToken.Register(() => stop.TrySetResult());
            await Console.Out.WriteLineAsync($"mediot-witness listening on {server.Address}").ConfigureAwait(false);
            await stop.Task.ConfigureAwait(false);
        }

        return Success;
    }

    private static async Task<WitnessServer?> TryStartAsync(WitnessOptions options, ILoggerFactory loggerFactory, TextWriter error,
        CancellationToken cancellationToken)
    {
        try
        {
            return await WitnessServer.StartAsync(options, loggerFactory, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: {exception.Message}").ConfigureAwait(false);
            return null;
        }
    }

    private static Command CreateKeygen(TextWriter output, TextWriter error)
    {
        var key = new Option<FileInfo>("--key") { Description = "The key file to create (mode 0600; never overwritten).", Required = true };
        var name = new Option<string>("--name") { Description = "The witness's name, e.g. witness.mediot.example/w1 (must equal Witness:Name).", Required = true };
        var command = new Command("keygen", "Create the witness's Ed25519 key file and print its cosignature vkey (for the ledger's witness list).")
        {
            key, name,
        };
        command.SetAction(parseResult =>
        {
            var path = parseResult.GetValue(key)!.FullName;
            var witnessName = parseResult.GetValue(name)!;
            if (!NoteVerifierKey.IsValidKeyName(witnessName))
            {
                error.WriteLine($"error: --name '{witnessName}' is not a key name (non-empty, no spaces, '+' or control characters)");
                return UsageError;
            }

            try
            {
                var folder = Path.GetDirectoryName(path)!;
                if (!Directory.Exists(folder))
                {
                    Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }

                using var generated = Ed25519PrivateKey.Generate();
                PrivateKeyFile.Write(path, generated);
                output.WriteLine(WitnessKey.Create(witnessName, generated.PublicKey).ToString());
                return Success;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: {exception.Message}");
                return UsageError;
            }
        });
        return command;
    }

    private static string Resolve(string folder, string path) =>
        string.IsNullOrEmpty(path) ? path : Path.GetFullPath(path, folder);
}
