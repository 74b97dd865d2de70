-- the old database: one schema, ids from AUTO_INCREMENT (MySQL/MariaDB and H2 in MySQL mode)
CREATE TABLE IF NOT EXISTS points_account (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  balance BIGINT NOT NULL,
  gmt_modified TIMESTAMP(3) NULL,
  CONSTRAINT uk_points_account_user UNIQUE (user_id)
);
CREATE TABLE IF NOT EXISTS points_detail (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  remark VARCHAR(255) NULL,
  gmt_modified TIMESTAMP(3) NULL
);
CREATE INDEX IF NOT EXISTS idx_points_detail_user ON points_detail (user_id);
