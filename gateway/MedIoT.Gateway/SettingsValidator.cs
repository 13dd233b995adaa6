using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway;

/// <summary>
/// Validates one settings class at start. Every message names the setting's full path, its current
/// value (passwords are never shown) and where to fix it, as npgsql's connection-string errors do.
/// </summary>
internal sealed class SettingsValidator<TOptions>(string sectionName, Func<TOptions, IEnumerable<(string Property, string Problem)>>? crossChecks = null)
    : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = new List<string>();
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        foreach (var result in results)
        {
            foreach (var member in result.MemberNames.DefaultIfEmpty(string.Empty))
            {
                failures.Add(Describe(options, member, result.ErrorMessage ?? "is not valid"));
            }
        }

        foreach (var (property, problem) in crossChecks?.Invoke(options) ?? [])
        {
            failures.Add(Describe(options, property, problem));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private string Describe(TOptions options, string member, string problem)
    {
        var path = $"{sectionName}:{member}";
        var property = typeof(TOptions).GetProperty(member, BindingFlags.Public | BindingFlags.Instance);
        var shown = member.Contains("Password", StringComparison.OrdinalIgnoreCase)
            ? "(hidden)"
            : Convert.ToString(property?.GetValue(options), CultureInfo.InvariantCulture) ?? "(empty)";
        var environment = "MEDIOT_" + path.Replace(":", "__", StringComparison.Ordinal);
        return $"Setting '{path}' = '{shown}': {problem} Fix it in the settings file or with the environment variable {environment}.";
    }
}
