-- The eligibility check in one statement per call (issue 17). On the embedded database every
-- statement sent from outside is parsed and planned again on each call; PL/pgSQL keeps the plan of
-- each statement of a function for the session, and `force_generic_plan` makes it keep it from the
-- first call instead of planning a custom plan for each of the first five.

-- Everything the demo marketplace knows that matters for cancellation, per buyer of `buyer_ids`:
-- counts and sums only, each an index range scan on (buyer_id, status…).
CREATE FUNCTION "shop"."buyer_facts"(buyer_ids text[], as_of timestamptz)
RETURNS TABLE (buyer_id text, pending json, open_disputes integer, refunds json, wallet json, subscriptions json, coupons json, points integer)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT b.id,
    (SELECT json_object_agg(o.status, o.n) FROM (
       SELECT status, count(*)::int AS n FROM shop.orders
       WHERE buyer_id = b.id AND status IN ('awaiting_payment', 'awaiting_shipment', 'shipped') GROUP BY status) o),
    (SELECT count(*)::int FROM shop.disputes WHERE buyer_id = b.id AND status = 'open'),
    (SELECT json_agg(r) FROM (
       SELECT currency, count(*)::int AS n, sum(amount_minor)::bigint AS total FROM shop.refunds
       WHERE buyer_id = b.id AND status = 'in_progress' GROUP BY currency ORDER BY currency) r),
    (SELECT json_build_object('balance', w.balance_minor, 'currency', w.currency) FROM shop.wallets w WHERE w.buyer_id = b.id),
    (SELECT json_agg(s) FROM (
       SELECT currency, count(*)::int AS n, sum(price_minor)::bigint AS total FROM shop.subscriptions
       WHERE buyer_id = b.id AND status = 'active' GROUP BY currency ORDER BY currency) s),
    (SELECT json_agg(c) FROM (
       SELECT currency, count(*)::int AS n, sum(value_minor)::bigint AS total FROM shop.coupons
       WHERE buyer_id = b.id AND status = 'unused' AND expires_at > as_of GROUP BY currency ORDER BY currency) c),
    (SELECT p.points FROM shop.points_balances p WHERE p.buyer_id = b.id)
  FROM unnest(buyer_ids) AS b(id);
END
$$;
--> statement-breakpoint
-- One buyer's own row and their marketplace facts; no row when there is no such user.
CREATE FUNCTION "adieu_eligibility_buyer"(user_id text, as_of timestamptz)
RETURNS TABLE (subject_id text, locale text, pending json, open_disputes integer, refunds json, wallet json, subscriptions json, coupons json, points integer)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
  RETURN QUERY
  SELECT u.subject_id, u.locale, f.pending, f.open_disputes, f.refunds, f.wallet, f.subscriptions, f.coupons, f.points
  FROM users u CROSS JOIN LATERAL shop.buyer_facts(ARRAY[u.id], as_of) f
  WHERE u.id = adieu_eligibility_buyer.user_id;
END
$$;
