using Microsoft.AspNetCore.Identity;

namespace Leadline.Identity;

/// <summary>
/// The password check behind the sign-in page and the token endpoint: the same answer and about the same time for an
/// unknown e-mail, a wrong password, a locked or a deactivated account, so neither the words nor the clock tell which
/// e-mails have accounts.
/// </summary>
public sealed class SignInCheck(UserManager<User> users, SignInManager<User> signIn, IPasswordHasher<User> hasher)
{
    public const string Failed = "Invalid e-mail or password. After 5 failed attempts in a row an account is locked for 15 minutes.";

    private static readonly User Nobody = new();
    private static string? _decoyHash;

    /// <summary>Checks the password (counting failures towards lockout); on success signs a browser in when asked.</summary>
    public async Task<User?> CheckAsync(string? email, string? password, bool signInBrowser, bool remember)
    {
        var user = string.IsNullOrWhiteSpace(email) || Common.PlainText.ControlCharacter(email) is not null
            ? null
            : await users.FindByEmailAsync(email.Trim());
        if (user is null || string.IsNullOrEmpty(password))
        {
            SpendAHash(password);
            return null;
        }
        var result = signInBrowser
            ? await signIn.PasswordSignInAsync(user, password, remember, lockoutOnFailure: true)
            : await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (result.IsLockedOut || result.IsNotAllowed)
            SpendAHash(password);   // Identity answers these before hashing
        return result.Succeeded ? user : null;
    }

    private void SpendAHash(string? password)
    {
        _decoyHash ??= hasher.HashPassword(Nobody, Guid.NewGuid().ToString());
        hasher.VerifyHashedPassword(Nobody, _decoyHash, password ?? "");
    }
}
