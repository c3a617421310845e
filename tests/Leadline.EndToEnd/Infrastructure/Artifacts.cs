using Microsoft.Playwright;

namespace Leadline.EndToEnd.Infrastructure;

/// <summary>Where screenshots go: &lt;repo root&gt;/artifacts/e2e (git-ignored).</summary>
public static class Artifacts
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Leadline.slnx")))
            dir = dir.Parent;
        if (dir is null)
            throw new InvalidOperationException($"No Leadline.slnx above {AppContext.BaseDirectory}: cannot find the repository root for artifacts/e2e.");
        return Directory.CreateDirectory(Path.Combine(dir.FullName, "artifacts", "e2e")).FullName;
    });

    public static string Screenshot(string name)
    {
        var safe = string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        return Path.Combine(Folder.Value, safe + ".png");
    }

    /// <summary>The page as a user sees it at 1366 px and at 390 px wide (full page), then back to the tests' 1280 × 800.</summary>
    public static async Task ShotsAsync(IPage page, string name)
    {
        foreach (var width in new[] { 1366, 390 })
        {
            await page.SetViewportSizeAsync(width, width > 800 ? 900 : 844);
            await page.ScreenshotAsync(new() { Path = Screenshot($"{name}-{width}"), FullPage = true });
        }
        await page.SetViewportSizeAsync(1280, 800);
    }
}
