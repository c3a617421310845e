using Leadline.Common.Api;
using Leadline.Common.Files;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>A lead's photo: checked by size and by the file's own bytes (not its name), kept in <see cref="IFileStorage"/>.</summary>
public sealed class LeadPhotos(LeadlineDb db, IFileStorage storage)
{
    public const long MaxBytes = 2 * 1024 * 1024;

    private static readonly (string Type, string Extension, byte[] Magic)[] Formats =
    [
        ("image/jpeg", "jpg", [0xFF, 0xD8, 0xFF]),
        ("image/png", "png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ("image/gif", "gif", [0x47, 0x49, 0x46, 0x38]),
        ("image/webp", "webp", [0x52, 0x49, 0x46, 0x46]),
    ];

    public async Task<Result<Lead>> SaveAsync(int leadId, IFormFile? file, CancellationToken ct)
    {
        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == leadId, ct);
        if (lead is null)
            return Result<Lead>.Missing();
        if (file is null || file.Length == 0)
            return Result<Lead>.Invalid("photo", "Choose an image file.");
        if (file.Length > MaxBytes)
            return Result<Lead>.Invalid("photo", "The photo must be at most 2 MB.");

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        var format = Formats.FirstOrDefault(f => bytes.AsSpan().StartsWith(f.Magic) && (f.Extension != "webp" || (bytes.Length > 12 && bytes.AsSpan(8, 4).SequenceEqual("WEBP"u8))));
        if (format.Type is null)
            return Result<Lead>.Invalid("photo", "The photo must be a JPEG, PNG, GIF or WebP image.");

        var old = lead.PhotoPath;
        var key = $"ws{lead.WorkspaceId}/leads/{lead.Id}/{Guid.NewGuid():N}.{format.Extension}";
        buffer.Position = 0;
        await storage.SaveAsync(key, buffer, ct);
        lead.PhotoPath = key;
        await db.SaveChangesAsync(ct);   // the history interceptor records the change
        if (old is not null)
            await storage.DeleteAsync(old, ct);
        return Result<Lead>.Ok(lead);
    }

    public async Task<(Stream Content, string ContentType)?> OpenAsync(int leadId, CancellationToken ct)
    {
        var key = await db.Leads.Where(l => l.Id == leadId).Select(l => l.PhotoPath).FirstOrDefaultAsync(ct);
        if (key is null || await storage.OpenAsync(key, ct) is not { } content)
            return null;
        var type = Formats.FirstOrDefault(f => key.EndsWith("." + f.Extension, StringComparison.Ordinal)).Type ?? "application/octet-stream";
        return (content, type);
    }
}
