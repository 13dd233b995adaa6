using MedIoT.Alerts.Rules;

namespace MedIoT.Gateway.Alerts.Engine;

/// <summary>Reads the alert rules file (<c>Gateway:Alerts:RulesPath</c>, docs/alerts.md §2); the engine itself does no I/O.</summary>
public static class AlarmRulesFile
{
    /// <summary>Loads and validates a rules file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid; the message names the file, the JSON path and the value.</exception>
    public static AlarmRules Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The alert rules file '{path}' does not exist. Start from configs/alert-rules.json.", path);
        }

        return AlarmRules.Parse(File.ReadAllBytes(path), path);
    }
}
