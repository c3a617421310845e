using Leadline.Activities;
using Leadline.Channels;
using Leadline.Common.Forms;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Email;

/// <summary>
/// The lead page's "Send e-mail": with an e-mail channel in the workspace it queues a real e-mail through
/// <see cref="IConversationSender"/> (the Messages tab shows it and its delivery state) and logs one e-mail activity for
/// the Activities timeline (its subject; the text lives once, in the message). Without a channel or an address it says so.
/// </summary>
public sealed class EmailComposer(LeadlineDb db, IConversationSender sender, LeadInteractions interactions)
{
    /// <summary>The workspace's e-mail channel "Send e-mail" uses (the first active one), if any.</summary>
    public Task<Channel?> ChannelAsync(CancellationToken ct) =>
        db.Channels.AsNoTracking().Where(c => c.Kind == ChannelKind.Email && c.Active).OrderBy(c => c.Id).FirstOrDefaultAsync(ct);

    /// <summary>The From address of that channel, for the form's "from … to …" line; null without one.</summary>
    public async Task<string?> FromAddressAsync(CancellationToken ct) =>
        await ChannelAsync(ct) is { } channel ? EmailSettings.Read(channel.Settings).FromAddress ?? channel.Name : null;

    /// <summary>Queues the e-mail; null when queued, else what to tell the user.</summary>
    public async Task<string?> SendAsync(int leadId, string? subject, string? text, CancellationToken ct)
    {
        if (await ChannelAsync(ct) is not { } channel)
            return "There is no e-mail channel yet: an admin connects one under Settings → Channels (SMTP). Until then, record e-mails you send elsewhere.";
        var email = await db.Leads.Where(l => l.Id == leadId && l.ArchivedAt == null).Select(l => new { l.Email }).FirstOrDefaultAsync(ct);
        if (email is null)
            return "No such lead.";
        if (string.IsNullOrWhiteSpace(email.Email))
            return "The lead has no e-mail address: add one on the Details tab, then send.";
        var outcome = await sender.SendTextAsync(leadId, channel.Id, text ?? "", subject, ct);
        if (outcome.Refused is { } refused)
            return refused.Message;
        var queued = outcome.Queued!;
        await interactions.AddActivityAsync(leadId, new ActivityRequest("email", queued.Subject, null, null, null, null), ct);
        return null;
    }
}

/// <summary>The form post of the Activities tab's "Send e-mail" (post, then redirect back).</summary>
internal static class EmailPageEndpoints
{
    public static void MapEmailPages(this IEndpointRouteBuilder app) =>
        app.MapPost("/leads/{id:int}/email", async (int id, HttpRequest request, EmailComposer composer, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var error = await composer.SendAsync(id, FormValues.Text(form["subject"]), form["text"].ToString(), ct);
            return error is null
                ? Results.Redirect($"/leads/{id}?tab=activities&saved=1")
                : (IResult)Flash.Redirect($"/leads/{id}?tab=activities&form=email", error);
        }).RequirePermission(Permission.LeadsWrite);
}
