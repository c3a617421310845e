using System.Threading.RateLimiting;
using Leadline.Common.Security;
using Leadline.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace Leadline.Identity;

public static class IdentityFeature
{
    public const string ApiPolicy = "Api";
    public const string WebSignInRateLimit = "web-sign-in";

    public static IServiceCollection AddLeadlineIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        var auth = configuration.GetSection("Leadline:Auth").Get<AuthOptions>() ?? new AuthOptions();
        services.Configure<AuthOptions>(configuration.GetSection("Leadline:Auth"));

        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddIdentityCookies();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenHandler.SchemeName, null);

        services.AddIdentityCore<User>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<Role>()
            .AddEntityFrameworkStores<LeadlineDb>()
            .AddSignInManager<LeadlineSignInManager>()
            .AddClaimsPrincipalFactory<LeadlineClaimsFactory>()
            .AddDefaultTokenProviders();

        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = auth.SessionRecheckInterval);
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "leadline.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.AccessDeniedPath = "/access-denied";
            o.ExpireTimeSpan = TimeSpan.FromDays(7);
            o.SlidingExpiration = true;
        });
        // sessions live on the server, so signing out ends them everywhere the cookie was copied to
        services.AddSingleton<BrowserSessionStore>();
        services.AddOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<BrowserSessionStore>((o, store) => o.SessionStore = store);

        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(ApiTokenHandler.SchemeName).RequireAuthenticatedUser())
            .AddPermissionPolicies();

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(AuthApi.TokenRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
                ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = auth.TokenRequestsPerMinute, Window = TimeSpan.FromMinutes(1) }));
            // the sign-in form's posts count like token requests; showing the page costs nothing
            o.AddPolicy(WebSignInRateLimit, ctx => HttpMethods.IsGet(ctx.Request.Method)
                ? RateLimitPartition.GetNoLimiter("page")
                : RateLimitPartition.GetFixedWindowLimiter(ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = auth.TokenRequestsPerMinute, Window = TimeSpan.FromMinutes(1) }));
        });

        services.AddCascadingAuthenticationState();
        services.AddScoped<CurrentUser>();
        services.AddScoped<ApiTokenService>();
        services.AddScoped<SignInCheck>();
        services.AddScoped<UserService>();
        return services;
    }

    /// <summary>The <c>/api/v1</c> group every feature maps its API into: bearer tokens only (no cookies, so no CSRF surface).</summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1").RequireAuthorization(ApiPolicy).DisableAntiforgery();

    public static void MapLeadlineIdentity(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapAuthApi();
        api.MapUsersApi();
        app.MapAccountEndpoints();
        app.MapUserAdminEndpoints();
    }
}
