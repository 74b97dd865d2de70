-- one database of the new side: each table split in four by user_id (ShardingSphere picks the table)
CREATE TABLE IF NOT EXISTS points_account_0 (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  balance BIGINT NOT NULL,
  gmt_modified TIMESTAMP(3) NULL,
  CONSTRAINT uk_points_account_0_user UNIQUE (user_id)
);
CREATE TABLE IF NOT EXISTS points_account_1 (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  balance BIGINT NOT NULL,
  gmt_modified TIMESTAMP(3) NULL,
  CONSTRAINT uk_points_account_1_user UNIQUE (user_id)
);
CREATE TABLE IF NOT EXISTS points_account_2 (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  balance BIGINT NOT NULL,
  gmt_modified TIMESTAMP(3) NULL,
  CONSTRAINT uk_points_account_2_user UNIQUE (user_id)
);
CREATE TABLE IF NOT EXISTS points_account_3 (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  balance BIGINT NOT NULL,
  gmt_modified TIMESTAMP(3) NULL,
  CONSTRAINT uk_points_account_3_user UNIQUE (user_id)
);
CREATE TABLE IF NOT EXISTS points_detail_0 (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  remark VARCHAR(255) NULL,
  gmt_modified TIMESTAMP(3) NULL
);
CREATE INDEX IF NOT EXISTS idx_points_detail_0_user ON points_detail_0 (user_id);
CREATE TABLE IF NOT EXISTS points_detail_1 (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  remark VARCHAR(255) NULL,
  gmt_modified TIMESTAMP(3) NULL
);
CREATE INDEX IF NOT EXISTS idx_points_detail_1_user ON points_detail_1 (user_id);
CREATE TABLE IF NOT EXISTS points_detail_2 (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  remark VARCHAR(255) NULL,
  gmt_modified TIMESTAMP(3) NULL
);
CREATE INDEX IF NOT EXISTS idx_points_detail_2_user ON points_detail_2 (user_id);
CREATE TABLE IF NOT EXISTS points_detail_3 (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  remark VARCHAR(255) NULL,
  gmt_modified TIMESTAMP(3) NULL
);
CREATE INDEX IF NOT EXISTS idx_points_detail_3_user ON points_detail_3 (user_id);
