using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Leadline.Identity;

/// <summary>Deactivated users can neither sign in nor keep a session: their cookie fails the next stamp check.</summary>
public sealed class LeadlineSignInManager(
    UserManager<User> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<User> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<User>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<User> confirmation)
    : SignInManager<User>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(User user) => user.IsActive && await base.CanSignInAsync(user);

    public override async Task<bool> ValidateSecurityStampAsync(User? user, string? securityStamp) =>
        user is { IsActive: true } && await base.ValidateSecurityStampAsync(user, securityStamp);
}

/// <summary>Puts the workspace and display name into the cookie, so every request knows its tenant without a query.</summary>
public sealed class LeadlineClaimsFactory(UserManager<User> users, RoleManager<Role> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<User, Role>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(User user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(LeadlineClaims.WorkspaceId, user.WorkspaceId.ToString()));
        identity.AddClaim(new Claim(LeadlineClaims.DisplayName, user.Name));
        return identity;
    }
}
