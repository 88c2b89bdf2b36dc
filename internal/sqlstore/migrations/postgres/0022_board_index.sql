-- A site's board reads who waits or is deferred there in queue order from a
-- partial index of those states (its predicate is boardStatesSQL, word for
-- word), so a site with years of closed episodes, or a queue far longer
-- than a board shows, costs the same as a quiet one.
CREATE INDEX episodes_site_board ON episodes (site_id, queue_at, id)
	WHERE state IN ('identified', 'received', 'accepted', 'screening_pending', 'deferred');
