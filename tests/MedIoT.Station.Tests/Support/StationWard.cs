using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedIoT.FirmwareSim.Devices;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Gateway.Access;
using MedIoT.Station.Tests.Browser;
using MedIoT.Testing;
using MedIoT.Testing.Metrics;
using Microsoft.Playwright;

namespace MedIoT.Station.Tests.Support;

/// <summary>
/// One ward for one test class (<c>IClassFixture&lt;StationWard&gt;</c>): the built gateway as a child process serving the
/// station over HTTPS (a <see cref="TestCertificate"/>) on a fixed loopback port, with a local accounts file and the
/// hospital's OpenID Connect provider (<see cref="OidcProvider"/>, roles mapped from its <c>roles</c> claim); a real
/// mosquitto and InfluxDB; signing pulse oximeters on beds 7A/01–04 (firmware-sim's <see cref="WardProvisioner"/>); and
/// Debian's chromium. The alert rules are the shipped ones without persistence, so one frame under a limit raises its alarm.
/// </summary>
public sealed class StationWard : IAsyncLifetime
{
    /// <summary>The ward's name.</summary>
    public const string WardName = "7A";

    /// <summary>The bound of every wait on the ward (generous for a loaded machine); never a requirement of the issue.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The station's screens, as the screenshots are taken.</summary>
    public static readonly ViewportSize Viewport = new() { Width = 1280, Height = 800 };

    private const int Beds = 4;
    private const string ClientId = "mediot-station-7a";
    private const string ClientSecret = "station-7a-client-secret";

    private readonly ChromiumBrowser _chromium = new();
    private readonly Dictionary<int, SimulatedDevice> _devices = [];
    private readonly SemaphoreSlim _devicesLock = new(1, 1);
    private readonly Dictionary<string, Task> _once = new(StringComparer.Ordinal);
    private TestCertificate? _certificate;
    private OidcProvider? _provider;
    private Ward? _ward;
    private HttpClient? _http;

    /// <summary>The station's origin, <c>https://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public Ward Ward => _ward ?? throw new InvalidOperationException("The ward is not started.");

    public OidcProvider Provider => _provider ?? throw new InvalidOperationException("The ward is not started.");

    /// <summary>A client of the gateway that trusts only its test certificate, follows no redirect and keeps no cookie.</summary>
    public HttpClient Http => _http ?? throw new InvalidOperationException("The ward is not started.");

    /// <summary>The browser's requests to hosts other than loopback (aborted); a station asks for none.</summary>
    public IReadOnlyCollection<string> BlockedRequests => _chromium.BlockedRequests;

    /// <summary>The address of a path on the gateway.</summary>
    public Uri Url(string path) => new(BaseAddress, path.TrimStart('/'));

    public async Task InitializeAsync()
    {
        var port = FreeTcpPort.Next();
        BaseAddress = new Uri($"https://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        // The real clock: chromium checks the certificate's validity against it.
        _certificate = TestCertificate.Create(TimeProvider.System);
        var thumbprint = _certificate.Certificate.Thumbprint;
        _http = new HttpClient(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            // Pinned: the gateway must present exactly the test certificate (self-signed, so no chain to trust).
            ServerCertificateCustomValidationCallback = (_, presented, _, errors) =>
                presented?.Thumbprint == thumbprint && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == 0,
        })
        { Timeout = Timeout };

        var browser = _chromium.InitializeAsync();
        var provider = OidcProvider.StartAsync(new OidcProviderOptions()
            .AddClient(OidcClient.WebApplication(ClientId, ClientSecret, [Url("station/sign-in/callback")]))
            .AddAccount(new OidcAccount(StationStaff.Nurse, StationStaff.NursePassword, [StationStaff.NurseGroup, "hospital-staff"]))
            .AddAccount(new OidcAccount(StationStaff.HospitalViewer, StationStaff.HospitalViewerPassword, [StationStaff.ViewerGroup])));
        var ward = new WardBuilder("station")
            .WithInfluxDatabase("mediot_station")
            .Configure(ProvisionAsync)
            .WithGateway(ChildProcessGateway.Launcher("gateway/MedIoT.Gateway", "MedIoT.Gateway.dll", "MQTT subscribed"), startWithWard: false)
            .StartAsync();
        try
        {
            await browser;
        }
        finally
        {
            try
            {
                _provider = await provider;
            }
            finally
            {
                _ward = await ward;
            }
        }

        Configure(Ward, Provider, _certificate, port);
        await StartGatewayAsync();
    }

    /// <summary>Starts the gateway (again) on the ward's folder and port; returns once its station answers over HTTPS.</summary>
    public async Task StartGatewayAsync()
    {
        await Ward.StartGatewayAsync();
        await Ward.WaitForAsync(async () =>
        {
            try
            {
                using var response = await Http.GetAsync(Url("health"));
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the gateway's /health over HTTPS");
    }

    /// <summary>Stops the gateway as a service stop would (SIGTERM); its folder, keys and journal stay.</summary>
    public Task StopGatewayAsync() => Ward.StopGatewayAsync();

    /// <summary>A fresh browser profile (no cookies) whose waits are bounded by <see cref="Timeout"/>.</summary>
    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await _chromium.NewContextAsync();
        context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
        return context;
    }

    /// <summary>A page of <paramref name="context"/> with the station's screen size (<see cref="Viewport"/>).</summary>
    public static async Task<IPage> NewPageAsync(IBrowserContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var page = await context.NewPageAsync();
        await page.SetViewportSizeAsync(Viewport.Width, Viewport.Height);
        return page;
    }

    /// <summary>
    /// Signs in on the station's own form with a local account, arriving at <paramref name="returnPath"/> (the station
    /// redirects there after the form).
    /// </summary>
    public async Task SignInLocallyAsync(IPage page, string name, string password, string returnPath = "/station")
    {
        await page.GotoAsync(Url(returnPath).ToString());
        await page.WaitForURLAsync(url => url.Contains("/station/sign-in", StringComparison.Ordinal));
        await page.FillAsync("#name", name);
        await page.FillAsync("#password", password);
        await page.ClickAsync("form[action='/station/sign-in'] button[type=submit]");
        await ArriveAsync(page, returnPath, name);
    }

    /// <summary>
    /// Signs in through the hospital's provider: the station's sign-in page, its hospital button, the provider's own page
    /// (authorization code with PKCE), back to the station.
    /// </summary>
    public async Task SignInWithHospitalAsync(IPage page, string name, string password, string returnPath = "/station")
    {
        await page.GotoAsync(Url(returnPath).ToString());
        await page.WaitForURLAsync(url => url.Contains("/station/sign-in", StringComparison.Ordinal));
        await page.ClickAsync("a[href^='/station/sign-in/oidc']");
        await page.WaitForURLAsync(url => url.StartsWith(Provider.Issuer.ToString(), StringComparison.Ordinal));
        await page.FillAsync(OidcProvider.SignInPage.AccountName, name);
        await page.FillAsync(OidcProvider.SignInPage.Password, password);
        await page.ClickAsync(OidcProvider.SignInPage.SignIn);
        await ArriveAsync(page, returnPath, name);
    }

    /// <summary>Waits until a sign-in arrived at <paramref name="returnPath"/> as <paramref name="name"/>; else fails saying where the browser is.</summary>
    private async Task ArriveAsync(IPage page, string returnPath, string name)
    {
        try
        {
            await page.WaitForURLAsync(Url(returnPath).ToString());
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"The sign-in of {name} did not arrive at {returnPath}: the browser is at {page.Url} showing " +
                $"'{await page.Locator("body").InnerTextAsync()}'.{Environment.NewLine}The gateway's log:{Environment.NewLine}{GatewayOutput}" +
                $"{Environment.NewLine}The provider's log:{Environment.NewLine}{Provider.RecentOutput}", exception);
        }

        await Assertions.Expect(page.GetByTestId("user-name")).ToHaveTextAsync(name);
    }

    /// <summary>
    /// Bed <paramref name="bed"/>'s oximeter (1-based) signs and publishes one frame measured at <paramref name="measuredAt"/>
    /// with SpO2 <paramref name="saturation"/> % and pulse <paramref name="pulse"/> /min; returns once the broker has it.
    /// </summary>
    public async Task SendAsync(int bed, DateTimeOffset measuredAt, double saturation, double pulse)
    {
        var device = await DeviceAsync(bed);
        await device.PublishReadingsAsync(measuredAt, [(OxygenSaturation, saturation), (PulseRate, pulse)], status: null, CancellationToken.None);
    }

    /// <summary>
    /// Bed <paramref name="bed"/>'s device publishes one frame with a body weight reading (MDC 188736, kg), as a bed scale
    /// would; returns once the broker has it.
    /// </summary>
    public async Task SendWeightAsync(int bed, double kilograms)
    {
        var device = await DeviceAsync(bed);
        await device.PublishReadingsAsync(TimeProvider.System.GetUtcNow(), [(BodyWeight, kilograms)], status: null, CancellationToken.None);
    }

    /// <summary>
    /// Bed <paramref name="bed"/>'s oximeter publishes its next frame with one character of the JWS signature changed
    /// (RFC 7515 §7.1: the third part): a frame that fails verification, a security alarm on the IT channel.
    /// </summary>
    public async Task SendForgedAsync(int bed)
    {
        var device = await DeviceAsync(bed);
        var frame = device.SignNext(out _);
        var signature = Array.LastIndexOf(frame, (byte)'.') + 1;
        frame[signature] = frame[signature] == (byte)'A' ? (byte)'B' : (byte)'A';
        await device.PublishRawAsync(frame, CancellationToken.None);
    }

    /// <summary>The MDC code of SpO2 (MDC_PULS_OXIM_SAT_O2).</summary>
    public const int OxygenSaturation = 150456;

    /// <summary>The MDC code of the oximeter's pulse rate (MDC_PULS_OXIM_PULS_RATE).</summary>
    public const int PulseRate = 149530;

    /// <summary>The MDC code of body weight (MDC_MASS_BODY_ACTUAL, kg).</summary>
    public const int BodyWeight = 188736;

    /// <summary>The bed's name (<c>02</c>).</summary>
    public static string BedName(int bed) => bed.ToString("00", CultureInfo.InvariantCulture);

    /// <summary>Waits until InfluxDB holds at least <paramref name="count"/> SpO2 readings of <paramref name="bed"/>.</summary>
    public Task WaitForStoredReadingsAsync(int bed, int count) => Ward.WaitForAsync(async () =>
    {
        var rows = await Ward.Influx.QueryAsync(Ward.InfluxDatabase,
            $"SELECT COUNT(\"value\") FROM vitals WHERE \"bed\" = '{BedName(bed)}' AND \"code\" = '{OxygenSaturation.ToString(CultureInfo.InvariantCulture)}'");
        return rows.Count > 0 && rows[0].Columns["count"].GetInt64() >= count;
    }, $"{count} SpO2 readings of bed {BedName(bed)} in InfluxDB");

    /// <summary>The gateway's <c>/metrics</c> page, checked by promtool and read by prometheus_client.</summary>
    public async Task<PrometheusPage> MetricsAsync() => await PrometheusPage.ReadAsync(Http, Url("metrics"));

    /// <summary>A counter's value on <c>/metrics</c> (0 when it has no sample with those labels yet).</summary>
    public async Task<double> CounterAsync(string sampleName, params (string Name, string Value)[] labels)
    {
        var page = await MetricsAsync();
        return page.Has(sampleName, labels) ? page.Value(sampleName, labels) : 0;
    }

    /// <summary>
    /// Runs <paramref name="setUp"/> once per ward and key (xunit makes a test class anew for each test; the ward is the
    /// class's): the state several tests of a class share, such as an alarm raised for them.
    /// </summary>
    public Task<T> OnceAsync<T>(string key, Func<Task<T>> setUp)
    {
        ArgumentNullException.ThrowIfNull(setUp);
        lock (_once)
        {
            if (!_once.TryGetValue(key, out var task))
            {
                task = setUp();
                _once[key] = task;
            }

            return (Task<T>)task;
        }
    }

    /// <summary>What the gateway logged lately, for failure messages.</summary>
    public string GatewayOutput => Ward.Gateway?.RecentOutput ?? "(the gateway is not running)";

    public async Task DisposeAsync()
    {
        foreach (var device in _devices.Values)
        {
            await device.DisposeAsync();
        }

        await _chromium.DisposeAsync();
        if (_ward is not null)
        {
            await _ward.DisposeAsync();
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        _http?.Dispose();
        _certificate?.Dispose();
        _devicesLock.Dispose();
    }

    private async Task<SimulatedDevice> DeviceAsync(int bed)
    {
        await _devicesLock.WaitAsync();
        try
        {
            if (!_devices.TryGetValue(bed, out var device))
            {
                var provisioned = Ward.Feature<ProvisionedBeds>().Devices[bed - 1];
                device = await SimulatedDevice.ConnectAsync(provisioned, Ward.Mosquitto.Host, Ward.Mosquitto.Port, TimeProvider.System, null, CancellationToken.None);
                _devices[bed] = device;
            }

            return device;
        }
        finally
        {
            _devicesLock.Release();
        }
    }

    /// <summary>The oximeters, their broker accounts and the gateway's broker account.</summary>
    private static async Task ProvisionAsync(Ward ward)
    {
        var devices = WardProvisioner.Provision(ward.Combine("devices"), WardName, Beds);
        await ward.Mosquitto.AddAccountsAsync(ward.Combine("devices", BrokerAccounts.PasswordFileName));
        var brokerFolder = Directory.CreateDirectory(ward.Combine("broker")).FullName;
        await ward.Mosquitto.AddAccountsAsync(BrokerAccounts.Write(brokerFolder, [], [BrokerAccounts.Gateway]));
        ward.Settings["Gateway:Mqtt:PasswordFile"] = BrokerAccounts.ServicePasswordPath(brokerFolder, BrokerAccounts.Gateway);
        ward.Settings["Gateway:DeviceRegistryPath"] = ward.Combine("devices", WardProvisioner.RegistryFileName);
        ward.SetFeature(new ProvisionedBeds(devices));
    }

    /// <summary>The gateway's settings, as <c>MEDIOT_Gateway__...</c> environment variables of its process.</summary>
    private static void Configure(Ward ward, OidcProvider provider, TestCertificate certificate, int port)
    {
        var settings = ward.Settings;
        settings["Gateway:GatewayId"] = "gw-station";
        settings["Gateway:Mqtt:Port"] = ward.Mosquitto.Port.ToString(CultureInfo.InvariantCulture);
        settings["Gateway:Mqtt:ReconnectInitialDelayMilliseconds"] = "100";
        settings["Gateway:Mqtt:ReconnectMaximumDelayMilliseconds"] = "500";
        settings["Gateway:Influx:Url"] = ward.Influx.BaseAddress.ToString();
        settings["Gateway:Influx:Database"] = ward.InfluxDatabase;
        settings["Gateway:Influx:FlushIntervalMilliseconds"] = "20";
        settings["Gateway:Identity:KeyFile"] = ward.Combine("identity", "gateway-key.jwk");
        settings["Gateway:Serial:StateFolder"] = ward.Combine("state", "serial");
        settings["Gateway:Journal:Folder"] = ward.Combine("state", "journal");
        settings["Gateway:Alerts:RulesPath"] = WriteRules(ward);
        settings["Gateway:Http:Url"] = $"https://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        settings["Gateway:Http:CertificatePath"] = certificate.CertificatePath;
        settings["Gateway:Http:CertificateKeyPath"] = certificate.KeyPath;
        settings["Gateway:Access:AccountsPath"] = WriteAccounts(ward);
        settings["Gateway:Access:KeysFolder"] = ward.Combine("state", "access-keys");
        settings["Gateway:Access:Oidc:Authority"] = provider.Issuer.ToString().TrimEnd('/');
        settings["Gateway:Access:Oidc:RequireHttpsMetadata"] = "false";
        settings["Gateway:Access:Oidc:ClientId"] = ClientId;
        settings["Gateway:Access:Oidc:ClientSecretFile"] = WriteSecret(ward);
        settings["Gateway:Access:Oidc:Scope"] = "openid profile roles";
        settings["Gateway:Access:Oidc:RoleClaim"] = "roles";
        settings["Gateway:Access:Oidc:RoleMap:" + StationStaff.NurseGroup] = StaffRoles.Nurse;
        settings["Gateway:Access:Oidc:RoleMap:" + StationStaff.ViewerGroup] = StaffRoles.Viewer;
        settings["Logging:LogLevel:Microsoft"] = "Warning";
        settings["Logging:LogLevel:System.Net.Http"] = "Warning";
    }

    /// <summary>The shipped alert rules without persistence: a single frame under a limit raises its alarm at once.</summary>
    private static string WriteRules(Ward ward)
    {
        var shipped = File.ReadAllText(Path.Combine(RepositoryLayout.Configs, "alert-rules.json"));
        var rules = JsonNode.Parse(shipped, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        foreach (var vital in rules["vitals"]!.AsArray())
        {
            foreach (var limit in vital!["limits"]!.AsArray())
            {
                limit!["persistenceSeconds"] = 0;
            }
        }

        var path = ward.Combine("alert-rules.json");
        File.WriteAllText(path, rules.ToJsonString());
        return path;
    }

    /// <summary>The local accounts file (mode 0600), with the cheapest iteration count the gateway accepts.</summary>
    private static string WriteAccounts(Ward ward)
    {
        static LocalPerson Person(string name, string password, string role) =>
            new(name, [role], PasswordHash.Create(password, PasswordHash.MinimumIterations));

        var path = ward.Combine("station-accounts.json");
        new LocalAccounts(
            [
                Person(StationStaff.Physician, StationStaff.PhysicianPassword, StaffRoles.Physician),
                Person(StationStaff.Viewer, StationStaff.ViewerPassword, StaffRoles.Viewer),
                Person(StationStaff.It, StationStaff.ItPassword, StaffRoles.It),
            ],
            []).Save(path);
        return path;
    }

    private static string WriteSecret(Ward ward)
    {
        var path = ward.Combine("oidc-client-secret");
        OwnerOnlyTextFile.Write(path, ClientSecret + "\n");
        return path;
    }

    /// <summary>What <see cref="ProvisionAsync"/> provisioned.</summary>
    private sealed record ProvisionedBeds(IReadOnlyList<ProvisionedDevice> Devices);
}
