using System.Net.Mail;

namespace Leadline.Common;

public static class EmailAddresses
{
    /// <summary>A single address with a dotted domain: what a person can actually receive mail at.</summary>
    public static bool IsValid(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 254)
            return false;
        var trimmed = value.Trim();
        if (!MailAddress.TryCreate(trimmed, out var address) || address.Address != trimmed)
            return false;
        var host = address.Host;
        return host.Contains('.', StringComparison.Ordinal) && !host.StartsWith('.') && !host.EndsWith('.') && !trimmed.Contains(' ', StringComparison.Ordinal);
    }
}
