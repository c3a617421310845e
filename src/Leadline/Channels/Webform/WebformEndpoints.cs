using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.RateLimiting;
using Leadline.Common.Api;
using Leadline.Common.Security;
using Leadline.Data;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Leadline.Channels.Webform;

public sealed class WebformOptions
{
    /// <summary>Submissions per client address per window; off for the bench (<c>Leadline:Webform:RateLimit:Enabled=false</c>).</summary>
    public WebformRateLimitOptions RateLimit { get; set; } = new();
}

public sealed class WebformRateLimitOptions
{
    public bool Enabled { get; set; } = true;

    public int PermitLimit { get; set; } = 10;

    public int WindowSeconds { get; set; } = 60;
}

/// <summary>
/// Public intake (API.md "Public intake"): <c>GET /f/{key}</c> the hosted form, <c>POST /f/{key}</c> a submission (JSON or
/// form-encoded), <c>GET /f/{key}/widget.js</c> the embeddable widget. Anonymous and outside antiforgery (other sites post
/// here): the form's key names the channel, the channel's allowed origins alone get CORS headers, a browser post from any
/// other site is refused, and a submission is checked (honeypot, sizes, plain text) and stored as a delivery before it is
/// answered; <see cref="WebformInbound"/> makes the lead and the message.
/// </summary>
public static class WebformEndpoints
{
    public const string CorsPolicy = "webform";
    public const string RateLimitPolicy = "webform";

    private const string ChannelItem = "Leadline.WebformChannel";

    public static IServiceCollection AddWebform(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebformOptions>(configuration.GetSection("Leadline:Webform"));
        services.AddScoped<WebformInbound>();
        services.AddScoped<Conversations.Inbound.IWebhookDeliveryHandler>(sp => sp.GetRequiredService<WebformInbound>());
        services.AddCors();
        services.AddSingleton<ICorsPolicyProvider, WebformCorsPolicyProvider>();
        services.AddRateLimiter(o => o.AddPolicy<string, WebformRateLimit>(RateLimitPolicy));
        services.AddSingleton<WebformWidgetScript>();
        return services;
    }

    public static void MapWebform(this IEndpointRouteBuilder app)
    {
        var forms = app.MapGroup("/f").AllowAnonymous().AllowCrossSitePost().ExcludeFromDescription()
            .AddEndpointFilter(async (context, next) =>
            {
                // a fetch reads the status code, a visitor reads this page's own words: not the app's status pages
                if (context.HttpContext.Features.Get<IStatusCodePagesFeature>() is { } pages)
                    pages.Enabled = false;
                return await next(context);
            });
        forms.MapGet("/{key}", ShowAsync);
        forms.MapPost("/{key}", SubmitAsync).RequireCors(CorsPolicy).RequireRateLimiting(RateLimitPolicy);
        forms.MapGet("/{key}/widget.js", WidgetAsync);
        app.MapWebformPages();
    }

    private static async Task<IResult> ShowAsync(string key, HttpContext http, LeadlineDb db, CancellationToken ct)
    {
        var channel = await FindAsync(http, db, key, ct);
        if (channel is null)
            return Page(new { Missing = true, Key = key }, StatusCodes.Status404NotFound);
        var settings = WebformSettings.Read(channel);
        return Page(new { Key = key, Title = channel.Name, settings.Fields, PageUrl = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}" },
            StatusCodes.Status200OK);
    }

    private static async Task<IResult> SubmitAsync(string key, HttpContext http, LeadlineDb db, WebhookInbox inbox, TimeProvider clock, CancellationToken ct)
    {
        var request = http.Request;
        var channel = await FindAsync(http, db, key, ct);
        if (channel is null)
            return Results.NotFound();
        var settings = WebformSettings.Read(channel);
        // a browser posting from a page of another site that the form does not list: refused (CORS alone would not stop a plain form post)
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !settings.Allows(origin) && !SameOrigin(origin, request))
            return Results.Problem("This site may not post to this form: add its origin to the form's allowed origins.", statusCode: StatusCodes.Status403Forbidden);
        var isJson = request.HasJsonContentType();
        if (!isJson && !request.HasFormContentType)
            return Results.Problem("Send the fields as JSON or form-encoded.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        var body = await RawBody.ReadAsync(request, WebformSubmission.MaxBodyBytes, ct);
        if (body is null)
            return Results.Problem($"A submission is at most {WebformSubmission.MaxBodyBytes / 1024} KB.", statusCode: StatusCodes.Status413PayloadTooLarge);
        var wantsJson = isJson || request.GetTypedHeaders().Accept.Any(a => a.MediaType.Value?.Contains("json", StringComparison.OrdinalIgnoreCase) == true);

        var errors = new Errors();
        var form = WebformSubmission.Read(body, isJson, request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } k ? k : null,
            request.Headers.Referer.ToString(), settings, clock.GetUtcNow().UtcDateTime, errors);
        // the honeypot: answered exactly like a success, nothing kept
        if (form.IsSpam)
            return Accepted(form, settings, key, channel, wantsJson);
        if (errors.Any)
        {
            if (wantsJson)
                return TypedResults.ValidationProblem(errors.ToDictionary());
            var values = new Dictionary<string, string?> { ["name"] = form.Name, ["email"] = form.Email, ["phone"] = form.Phone, ["message"] = form.Message };
            foreach (var (name, value) in form.Fields)
                values[name] = value;
            var shown = settings.Fields.Select(f => f.Key).ToHashSet();
            var messages = errors.ToDictionary().Where(e => shown.Contains(e.Key)).ToDictionary(e => e.Key, e => e.Value[0]);
            if (messages.Count == 0)
                return Results.Problem(string.Join(" ", errors.All), statusCode: StatusCodes.Status400BadRequest);
            return Page(new { Key = key, Title = channel.Name, settings.Fields, Values = values, Errors = messages, form.PageUrl }, StatusCodes.Status400BadRequest);
        }
        await inbox.StoreAsync(new WebhookDelivery
        {
            WorkspaceId = channel.WorkspaceId, ChannelId = channel.Id, Body = form.Serialize(), ReceivedAt = clock.GetUtcNow().UtcDateTime,
        }, ct);
        return Accepted(form, settings, key, channel, wantsJson);
    }

    private static IResult Accepted(WebformSubmission form, WebformSettings settings, string key, Channel channel, bool json) =>
        json
            ? Results.Json(new { status = "received", id = form.Id, message = settings.ThankYou }, statusCode: StatusCodes.Status201Created)
            : Page(new { Key = key, Title = channel.Name, settings.Fields, settings.ThankYou }, StatusCodes.Status200OK);

    private static async Task<IResult> WidgetAsync(string key, HttpContext http, LeadlineDb db, WebformWidgetScript script, CancellationToken ct)
    {
        var channel = await FindAsync(http, db, key, ct);
        if (channel is null)
            return Results.Text("/* no such form */", "text/javascript; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        var settings = WebformSettings.Read(channel);
        var request = http.Request;
        var text = script.For(new
        {
            endpoint = $"{request.Scheme}://{request.Host}{request.PathBase}/f/{key}",
            title = channel.Name,
            thankYou = settings.ThankYou,
            fields = settings.Fields.Select(f => new { key = f.Key, label = f.Label, required = f.Required, type = f.IsMessage ? "textarea" : f.InputType }),
        });
        var etag = new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32] + "\"");
        var headers = http.Response.GetTypedHeaders();
        headers.ETag = etag;
        // a few minutes: a changed form reaches the sites soon, and every visitor's page does not ask again
        headers.CacheControl = new CacheControlHeaderValue { Public = true, MaxAge = TimeSpan.FromMinutes(5) };
        if (request.GetTypedHeaders().IfNoneMatch.Any(e => e.Compare(etag, useStrongComparison: false)))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Text(text, "text/javascript; charset=utf-8");
    }

    private static RazorComponentResult<WebformPage> Page(object parameters, int status) => new(parameters) { StatusCode = status };

    /// <summary>The active web form of this key (any workspace: the key names it), looked up once per request.</summary>
    internal static async Task<Channel?> FindAsync(HttpContext http, LeadlineDb db, string? key, CancellationToken ct)
    {
        if (http.Items.TryGetValue(ChannelItem, out var found))
            return (Channel?)found;
        var channel = string.IsNullOrEmpty(key) || key.Length > 64 ? null
            : await db.Channels.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(c => c.PublicKey == key && c.Kind == ChannelKind.Webform && c.Active, ct);
        http.Items[ChannelItem] = channel;
        return channel;
    }

    private static bool SameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}

/// <summary>CORS for <c>POST /f/{key}</c>: the origins the channel lists, nothing for any other (preflight included).</summary>
internal sealed class WebformCorsPolicyProvider : ICorsPolicyProvider
{
    public async Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        if (policyName != WebformEndpoints.CorsPolicy)
            return null;
        var db = context.RequestServices.GetRequiredService<LeadlineDb>();
        var channel = await WebformEndpoints.FindAsync(context, db, context.GetRouteValue("key") as string, context.RequestAborted);
        var origins = channel is null ? [] : WebformSettings.Read(channel).AllowedOrigins.ToArray();
        return new CorsPolicyBuilder().WithOrigins(origins).WithMethods(HttpMethods.Post).WithHeaders(HeaderNames.ContentType, HeaderNames.Accept, "Idempotency-Key")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10)).Build();
    }
}

/// <summary>
/// Submissions per client address (a fixed window, ASP.NET Core's rate limiter): 429 with Retry-After, in JSON, never the
/// status page. Showing the form and the widget is not limited.
/// </summary>
internal sealed class WebformRateLimit(IOptions<WebformOptions> options) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, ct) =>
    {
        var http = context.HttpContext;
        if (http.Features.Get<IStatusCodePagesFeature>() is { } pages)
            pages.Enabled = false;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 60;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.Response.WriteAsJsonAsync(new
        {
            type = "https://tools.ietf.org/html/rfc6585#section-4", title = "Too many requests", status = 429,
            detail = $"Too many messages from this address: try again in {seconds} seconds.",
        }, JsonSerializerOptions.Web, "application/problem+json", ct);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var limit = options.Value.RateLimit;
        if (!limit.Enabled || !HttpMethods.IsPost(httpContext.Request.Method))
            return RateLimitPartition.GetNoLimiter("off");
        return RateLimitPartition.GetFixedWindowLimiter(httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, limit.PermitLimit), Window = TimeSpan.FromSeconds(Math.Max(1, limit.WindowSeconds)) });
    }
}

/// <summary>
/// The widget's script (<c>widget.js</c>, vanilla JS embedded in the assembly), with the form's settings put in its one
/// placeholder as JSON: encoded so that no value can end the string or the script (&lt;, &gt;, &amp;, quotes escaped).
/// </summary>
public sealed class WebformWidgetScript
{
    private const string Placeholder = "/*CONFIG*/null";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.Default };

    private readonly string _source;

    public WebformWidgetScript()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Webform/widget.js")
            ?? throw new InvalidOperationException("The widget script is not embedded.");
        using var reader = new StreamReader(stream);
        _source = reader.ReadToEnd();
        if (!_source.Contains(Placeholder, StringComparison.Ordinal))
            throw new InvalidOperationException("The widget script has no configuration placeholder.");
    }

    public string For(object config) => _source.Replace(Placeholder, JsonSerializer.Serialize(config, Json), StringComparison.Ordinal);
}
