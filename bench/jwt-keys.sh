# Sourced by the bench scripts: one RSA key pair per output folder, kept across runs, so that tokens seeded
# through the API stay valid when a script restarts the service. Usage: bench_jwt_keys DIR
bench_jwt_keys() {
  local dir=$1
  mkdir -p "$dir"
  if [ ! -f "$dir/jwt-private.pem" ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/jwt-private.pem" 2>/dev/null
    openssl pkey -in "$dir/jwt-private.pem" -pubout -out "$dir/jwt-public.pem"
  fi
  export JWT_PRIVATE_KEY="$(cat "$dir/jwt-private.pem")" JWT_PUBLIC_KEY="$(cat "$dir/jwt-public.pem")"
}
