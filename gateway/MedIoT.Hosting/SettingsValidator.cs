using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MedIoT.Hosting;

/// <summary>
/// Checks one settings class: its data annotations (<c>[Required]</c>, <c>[Range]</c>, ... on its own properties), then the
/// checks a derived class adds in <see cref="Check"/> (settings that depend on each other, values that must parse). Every
/// message names the setting's full path, its current value and where to fix it (<see cref="SettingProblems"/>).
/// </summary>
/// <remarks>
/// Derive one validator per settings class and keep it beside that class (<c>LedgerOptionsValidator</c> next to
/// <c>LedgerOptions</c>). Register it with <c>AddValidatedSettings</c> (checked when the host starts), or call
/// <see cref="GetValidated"/> where the composition root needs the settings before the host is built.
/// </remarks>
/// <typeparam name="TOptions">
/// The settings class. Its public properties, with their annotations, and its constructor are kept by a trimmed or
/// NativeAOT build (<see cref="DynamicallyAccessedMembersAttribute"/>): the annotations are read by reflection, and a
/// build that dropped them would accept any value without a word.
/// </typeparam>
public class SettingsValidator<
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
    TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <summary>Creates a validator for the settings in <paramref name="sectionName"/> (such as <c>Ledger</c> or <c>Gateway:Mqtt</c>).</summary>
    public SettingsValidator(string sectionName)
    {
        ArgumentException.ThrowIfNullOrEmpty(sectionName);
        SectionName = sectionName;
    }

    /// <summary>The configuration section the settings are bound from; the prefix of every setting path in the messages.</summary>
    public string SectionName { get; }

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new SettingProblems(SectionName);
        CheckAnnotations(options, problems);
        Check(options, problems);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Messages);
    }

    /// <summary>Throws when <paramref name="options"/> is not valid (settings built in code, such as a test's).</summary>
    /// <exception cref="OptionsValidationException">One or more settings are not valid; its message joins every problem with "; ".</exception>
    public void ThrowIfInvalid(TOptions options)
    {
        var result = Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures);
        }
    }

    /// <summary>
    /// Binds the section <see cref="SectionName"/> of <paramref name="configuration"/> now and checks it, for a composition
    /// root that needs its settings to decide what to build (before the host exists and before anything is written).
    /// </summary>
    /// <exception cref="OptionsValidationException">One or more settings are not valid.</exception>
    /// <exception cref="InvalidOperationException">A value cannot be converted to its setting's type (the binder's message names it).</exception>
    public TOptions GetValidated(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // As the options pattern does: a new instance (its defaults), then the section bound over it.
        var options = Activator.CreateInstance<TOptions>();
        configuration.GetSection(SectionName).Bind(options);
        ThrowIfInvalid(options);
        return options;
    }

    /// <summary>
    /// Adds the problems the data annotations do not catch: settings that depend on each other, values that must parse,
    /// entries of lists. Name each problem's setting relative to <see cref="SectionName"/>, e.g. <c>Witnesses:0:Url</c>.
    /// </summary>
    protected virtual void Check(TOptions options, SettingProblems problems)
    {
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode",
        Justification = "The annotations read are on TOptions' own public properties, which the DynamicallyAccessedMembers annotation on TOptions keeps.")]
    private static void CheckAnnotations(TOptions options, SettingProblems problems)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        foreach (var result in results)
        {
            foreach (var member in result.MemberNames.DefaultIfEmpty(string.Empty))
            {
                var value = typeof(TOptions).GetProperty(member, BindingFlags.Public | BindingFlags.Instance)?.GetValue(options);
                problems.Add(member, value, result.ErrorMessage ?? "is not valid.");
            }
        }
    }
}
