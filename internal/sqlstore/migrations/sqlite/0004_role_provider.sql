-- Roles belong to a provider organisation: an administrator shapes only their
-- own provider's roles. NULL is a role shared across Liaise (the built-in
-- roles), which only the system operator changes.
ALTER TABLE roles ADD COLUMN provider_id INTEGER REFERENCES providers(id);

-- A role an administrator added before this migration belongs to the one
-- provider whose staff hold it; a role held across providers, or by nobody,
-- stays shared, so no account loses its role.
UPDATE roles SET provider_id = (SELECT min(u.provider_id) FROM users u WHERE u.role_id = roles.id)
WHERE NOT built_in AND (SELECT count(DISTINCT u.provider_id) FROM users u WHERE u.role_id = roles.id) = 1;

CREATE INDEX roles_provider ON roles (provider_id);
