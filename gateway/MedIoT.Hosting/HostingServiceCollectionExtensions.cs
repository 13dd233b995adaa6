using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MedIoT.Hosting;

/// <summary>The clock and the settings classes of a MedIoT service.</summary>
public static class HostingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="TimeProvider.System"/> as the service's one clock, unless a clock is registered already (a test's
    /// fake). Every class takes its <see cref="TimeProvider"/> by injection; this is the only place that names the system clock.
    /// </summary>
    public static IServiceCollection AddSystemTimeProvider(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to the section <see cref="SettingsValidator{TOptions}.SectionName"/> of
    /// <paramref name="configuration"/> and checks it with <paramref name="validator"/> (its data annotations and its own
    /// cross-field checks) when the host starts, before any hosted service runs: a bad setting stops the start with an
    /// <see cref="OptionsValidationException"/> naming it.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedSettings<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
        TOptions>(this IServiceCollection services, IConfiguration configuration, SettingsValidator<TOptions> validator)
        where TOptions : class =>
        services.AddValidatedSettings(configuration, validator, static (section, options) => section.Bind(options));

    /// <summary>
    /// As <see cref="AddValidatedSettings{TOptions}(IServiceCollection, IConfiguration, SettingsValidator{TOptions})"/>, but
    /// the caller binds (<c>static (section, options) =&gt; section.Bind(options)</c>) where the settings type is concrete. A
    /// generic <c>Bind</c> can only be the reflection binder; a concrete one is what the configuration binding source
    /// generator replaces with generated code, which a trimmed or NativeAOT build needs (docs/benchmarks/ingest.md, issue 16).
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedSettings<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
        TOptions>(
        this IServiceCollection services, IConfiguration configuration, SettingsValidator<TOptions> validator, Action<IConfiguration, TOptions> bind)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(bind);
        services.AddSingleton<IValidateOptions<TOptions>>(validator);
        var section = configuration.GetSection(validator.SectionName);
        return services.AddOptions<TOptions>().Configure(options => bind(section, options)).ValidateOnStart();
    }

    /// <summary>
    /// <see cref="AddValidatedSettings{TOptions}(IServiceCollection, IConfiguration, SettingsValidator{TOptions})"/> for a
    /// settings class that needs only its data annotations (<c>[Required]</c>, <c>[Range]</c>) checked.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedSettings<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
        TOptions>(this IServiceCollection services, IConfiguration configuration, string sectionName)
        where TOptions : class =>
        services.AddValidatedSettings(configuration, new SettingsValidator<TOptions>(sectionName));
}
