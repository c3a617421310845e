using System.Text.Json.Nodes;
using Leadline.Common.Forms;

namespace Leadline.Channels.Webform;

/// <summary>Settings → Channels form posts for web forms: add or edit one (name, allowed sites, fields, thank-you text).</summary>
internal static class WebformPageEndpoints
{
    private const string Page = "/settings/channels";

    public static void MapWebformPages(this IEndpointRouteBuilder app)
    {
        app.MapPost(Page + "/webform/save", async (HttpRequest request, ChannelService service, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var origins = new JsonArray();
            foreach (var line in Lines(form["allowedOrigins"]))
                origins.Add(line);
            var fields = new JsonArray();
            foreach (var line in Lines(form["fields"]))
            {
                // "phone*: Mobile number" → { key: "phone", required: true, label: "Mobile number" }
                var (head, label) = line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? (line[..colon].Trim(), line[(colon + 1)..].Trim()) : (line, "");
                var required = head.EndsWith('*');
                var field = new JsonObject { ["key"] = head.TrimEnd('*').Trim(), ["required"] = required };
                if (label.Length > 0)
                    field["label"] = label;
                fields.Add(field);
            }
            var settings = new JsonObject { ["allowedOrigins"] = origins, ["fields"] = fields.Count == 0 ? null : fields, ["thankYou"] = FormValues.Text(form["thankYou"]) };
            var id = FormValues.Number(form["id"]);
            var input = new ChannelRequest("webform", FormValues.Text(form["name"]), settings, null, id is null ? null : form["active"] == "true");
            var result = id is { } existing ? await service.UpdateAsync(existing, input, ct) : await service.CreateAsync(input, ct);
            if (result.NotFound)
                return Flash.Redirect(Page, "No such web form.");
            if (!result.Succeeded)
                return Flash.Redirect(Page + (id is null ? "?addForm=1#webforms" : $"?editForm={id}#webforms"), "Nothing was saved: " + string.Join(" ", result.Errors.All));
            return Flash.Redirect(Page + "#webforms", $"Saved “{result.Value!.Name}”. Link to its hosted form or paste the widget's script tag into your site.");
        }).RequirePermission(Permission.ChannelsManage);
    }

    private static string[] Lines(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
