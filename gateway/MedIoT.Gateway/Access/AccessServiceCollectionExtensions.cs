using MedIoT.Gateway.Http;
using MedIoT.Hosting;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Access;

/// <summary>Registers sign-in (docs/accounts.md): settings, the local accounts, the HTTP server's setup and the sign-in routes.</summary>
internal static class AccessServiceCollectionExtensions
{
    /// <summary>Adds sign-in; relative paths of <c>Gateway:Access</c> resolve against <paramref name="settings"/>' folder.</summary>
    public static IServiceCollection AddAccess(this IServiceCollection services, IConfiguration configuration, SettingsFile settings)
    {
        services.AddValidatedSettings(configuration, new AccessOptionsValidator(), static (section, options) => section.Bind(options))
            .PostConfigure(access =>
            {
                access.AccountsPath = settings.Resolve(access.AccountsPath);
                access.KeysFolder = settings.Resolve(access.KeysFolder);
                access.Oidc.ClientSecretFile = settings.Resolve(access.Oidc.ClientSecretFile);
            });
        services.AddSingleton(provider =>
        {
            var path = provider.GetRequiredService<IOptions<AccessOptions>>().Value.AccountsPath;
            if (path.Length == 0)
            {
                return LocalAccounts.None;
            }

            // Checked by the settings' validator at start; read again here, so a file broken in between is still an error.
            return LocalAccounts.TryLoad(path, out var accounts, out var error) ? accounts : throw new InvalidOperationException(error);
        });
        services.AddSingleton<AccessStatistics>();
        services.AddSingleton<AccessLogOnce>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<SignedOutSessions>();
        services.AddSingleton<IGatewayHttpSetup, AccessHttpSetup>();
        services.AddSingleton<IGatewayEndpoints, SignInEndpoints>();
        return services;
    }
}
