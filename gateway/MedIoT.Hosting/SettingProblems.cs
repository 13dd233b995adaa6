using System.Collections;
using System.Globalization;

namespace MedIoT.Hosting;

/// <summary>
/// The problems found in one settings section, each as one line in the project's form:
/// <c>Setting 'Ledger:Witnesses:0:Url' = 'ftp://w': must be an absolute http(s) URL. Fix it in the settings file or with
/// the environment variable MEDIOT_Ledger__Witnesses__0__Url.</c>
/// Values of passwords, secrets, tokens and connection strings are shown as <c>(hidden)</c>, empty values as <c>(empty)</c>.
/// </summary>
public sealed class SettingProblems
{
    private static readonly string[] s_hiddenWords = ["Password", "Secret", "Token", "ConnectionString"];
    private readonly List<string> _messages = [];

    internal SettingProblems(string sectionName) => SectionName = sectionName;

    /// <summary>The section the settings belong to.</summary>
    public string SectionName { get; }

    /// <summary>How many problems were found.</summary>
    public int Count => _messages.Count;

    internal IReadOnlyList<string> Messages => _messages;

    /// <summary>
    /// Adds a problem with the setting <paramref name="setting"/> (relative to the section, <c>:</c> between levels, list
    /// entries by index: <c>Logs:0:Keys:1</c>). <paramref name="problem"/> is a sentence that goes after the value, such as
    /// <c>must be an absolute http:// address.</c>
    /// </summary>
    public void Add(string setting, object? value, string problem)
    {
        ArgumentNullException.ThrowIfNull(setting);
        ArgumentException.ThrowIfNullOrEmpty(problem);
        var path = setting.Length == 0 ? SectionName : $"{SectionName}:{setting}";
        var environmentVariable = ServiceHostBuilderExtensions.EnvironmentPrefix + path.Replace(":", "__", StringComparison.Ordinal);
        _messages.Add($"Setting '{path}' = '{Show(setting, value)}': {problem} Fix it in the settings file or with the environment variable {environmentVariable}.");
    }

    private static string Show(string setting, object? value)
    {
        var text = value switch
        {
            null => string.Empty,
            string s => s,
            IEnumerable list => string.Join(", ", list.Cast<object?>().Select(item => Convert.ToString(item, CultureInfo.InvariantCulture))),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
        };
        if (text.Length == 0)
        {
            return "(empty)";
        }

        var name = setting[(setting.LastIndexOf(':') + 1)..];
        return s_hiddenWords.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase)) ? "(hidden)" : text;
    }
}
