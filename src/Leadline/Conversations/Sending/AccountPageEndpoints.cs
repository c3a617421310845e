using Leadline.Common;
using Leadline.Common.Forms;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Sending;

/// <summary>The account page's form post: the user's own WhatsApp number for reminder notifications.</summary>
internal static class AccountPageEndpoints
{
    public static void MapAccountPages(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/whatsapp", async (HttpRequest request, LeadlineDb db, CurrentUser me, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var typed = FormValues.Text(form["whatsappNumber"]);
            var user = await db.Users.FirstAsync(u => u.Id == me.Id, ct);
            string? e164 = null;
            if (typed is not null)
            {
                var country = await db.Workspaces.Where(w => w.Id == user.WorkspaceId).Select(w => w.DefaultCountry).FirstOrDefaultAsync(ct);
                e164 = PhoneNumbers.ToE164(typed, country);
                if (e164 is null)
                    return Flash.Redirect("/account", "That is not a phone number Leadline can read: write it in international form, e.g. +852 9123 4567.");
            }
            user.WhatsappNumber = e164;
            await db.SaveChangesAsync(ct);
            return Flash.Redirect("/account", e164 is null ? "WhatsApp notifications are off." : $"Reminders will also be sent to {e164} on WhatsApp.");
        }).RequirePermission(Permission.Account);
    }
}
