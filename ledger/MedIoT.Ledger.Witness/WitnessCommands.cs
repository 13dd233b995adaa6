using System.CommandLine;
using System.Runtime.InteropServices;
using MedIoT.Cryptography;
using MedIoT.Hosting;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Witness.Http;
using Microsoft.Extensions.Options;

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

    private static async Task<int> RunAsync(FileInfo settingsFile, TextWriter error, CancellationToken cancellationToken)
    {
        var server = await TryStartAsync(SettingsFile.FromPath(settingsFile.FullName), error, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Starts the witness; a missing or bad settings file, a bad setting, key or state file: one line on <paramref name="error"/> and null.</summary>
    private static async Task<WitnessServer?> TryStartAsync(SettingsFile settingsFile, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            return await WitnessServer.StartAsync(settingsFile, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException
            or OptionsValidationException)
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
}
