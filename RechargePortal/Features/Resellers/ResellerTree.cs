using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;

namespace RechargePortal.Features.Resellers;

/// <summary>
/// Walks the reseller tree inside the caller's context (one query per level; the tree is at most
/// <see cref="ResellerOptions.MaxDepth"/> deep, and every change keeps it a tree).
/// </summary>
public static class ResellerTree
{
    // Far above any configured depth: a walk this long means the data is not a tree.
    private const int WalkLimit = 64;

    /// <summary>The ancestors of <paramref name="userId"/>, its parent first, the top-level reseller last.</summary>
    public static async Task<IReadOnlyList<string>> AncestorsAsync(PortalDbContext db, string userId, CancellationToken ct = default)
    {
        var ancestors = new List<string>();
        var current = userId;
        while (await db.Users.Where(u => u.Id == current).Select(u => u.ParentId).SingleOrDefaultAsync(ct) is { } parent)
        {
            if (parent == userId || ancestors.Contains(parent) || ancestors.Count >= WalkLimit)
            {
                throw new InvalidOperationException($"The reseller tree has a cycle at {parent}.");
            }

            ancestors.Add(parent);
            current = parent;
        }

        return ancestors;
    }

    /// <summary>True when <paramref name="ancestorId"/> is above <paramref name="userId"/> (not the same account).</summary>
    public static async Task<bool> IsAncestorAsync(PortalDbContext db, string ancestorId, string? userId, CancellationToken ct = default) =>
        userId is not null && userId != ancestorId && (await AncestorsAsync(db, userId, ct)).Contains(ancestorId);

    /// <summary>The level of an account: 1 for a top-level reseller.</summary>
    public static async Task<int> DepthAsync(PortalDbContext db, string userId, CancellationToken ct = default) =>
        (await AncestorsAsync(db, userId, ct)).Count + 1;

    /// <summary>Everyone below <paramref name="rootId"/>, level by level, with their parent.</summary>
    public static async Task<IReadOnlyList<(string Id, string ParentId)>> DescendantsAsync(PortalDbContext db, string rootId, CancellationToken ct = default)
    {
        var found = new List<(string Id, string ParentId)>();
        List<string> level = [rootId];
        for (var i = 0; level.Count > 0; i++)
        {
            if (i >= WalkLimit)
            {
                throw new InvalidOperationException($"The reseller tree below {rootId} has a cycle.");
            }

            var parents = level;
            var children = await db.Users.Where(u => u.ParentId != null && parents.Contains(u.ParentId))
                .Select(u => new { u.Id, ParentId = u.ParentId! }).ToListAsync(ct);
            found.AddRange(children.Select(c => (c.Id, c.ParentId)));
            level = children.Select(c => c.Id).ToList();
        }

        return found;
    }

    /// <summary>Levels in the subtree of <paramref name="rootId"/>, the root included (1 for an account without children).</summary>
    public static async Task<int> HeightAsync(PortalDbContext db, string rootId, CancellationToken ct = default)
    {
        var height = 1;
        List<string> level = [rootId];
        while (true)
        {
            var parents = level;
            level = await db.Users.Where(u => u.ParentId != null && parents.Contains(u.ParentId)).Select(u => u.Id).ToListAsync(ct);
            if (level.Count == 0)
            {
                return height;
            }

            if (++height > WalkLimit)
            {
                throw new InvalidOperationException($"The reseller tree below {rootId} has a cycle.");
            }
        }
    }
}
