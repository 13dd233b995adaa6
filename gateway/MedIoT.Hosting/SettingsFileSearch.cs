namespace MedIoT.Hosting;

/// <summary>
/// Where a service looks for its settings file, in this order: the command-line option <see cref="Option"/> followed by a
/// path, else the environment variable <see cref="EnvironmentVariable"/>, else <see cref="DefaultPath"/> (relative to the
/// working folder) when that file exists. A file named by the option or the variable must exist; the default may be
/// missing, and the service then runs on its built-in defaults, the environment and the command line.
/// </summary>
/// <param name="Option">The command-line option that names the file, such as <c>--settings</c>.</param>
/// <param name="EnvironmentVariable">The environment variable that names the file when the option is absent, such as <c>MEDIOT_SETTINGS</c>; null for none.</param>
/// <param name="DefaultPath">The file used, when it exists, if neither names one, such as <c>configs/gateway.json</c>.</param>
/// <example>
/// The gateway: <c>new SettingsFileSearch("--settings", "MEDIOT_SETTINGS", "configs/gateway.json")</c>; mediot-ledger:
/// <c>new SettingsFileSearch("--settings", "MEDIOT_LEDGER_SETTINGS", "configs/ledger.json")</c>.
/// </example>
public sealed record SettingsFileSearch(string Option, string? EnvironmentVariable, string DefaultPath)
{
    /// <summary>
    /// Finds the settings file for <paramref name="args"/>. The option and its path are taken out of the command line;
    /// the rest (<c>--Section:Setting=value</c> overrides) is in <see cref="SettingsFile.Arguments"/>. When the option is
    /// given more than once the last one wins; an option at the very end, with no path after it, is left in the arguments.
    /// </summary>
    public SettingsFile Find(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var remaining = new List<string>(args.Count);
        string? named = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (string.Equals(args[i], Option, StringComparison.Ordinal) && i + 1 < args.Count)
            {
                named = args[++i];
            }
            else
            {
                remaining.Add(args[i]);
            }
        }

        if (named is null && EnvironmentVariable is not null && Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            named = fromEnvironment;
        }

        return named is null ? new SettingsFile(DefaultPath, isRequired: false, remaining) : new SettingsFile(named, isRequired: true, remaining);
    }
}
